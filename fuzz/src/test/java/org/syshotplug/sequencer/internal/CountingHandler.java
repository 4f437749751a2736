package org.syshotplug.sequencer.internal;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** A well-behaved handler that counts its calls: proof that the runtime still serves requests. */
final class CountingHandler implements HotplugHandler {

    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void handle(HandlerContext context) {
        calls.incrementAndGet();
    }

    static Map<String, Object> props(String name, String phase, int priority) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY, priority,
                Sequencer.BUNDLE_PROPERTY, "org.syshotplug.fuzz");
    }
}
