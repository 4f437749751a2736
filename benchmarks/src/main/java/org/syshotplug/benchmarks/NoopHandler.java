package org.syshotplug.benchmarks;

import java.util.Map;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * A handler that does nothing a request could notice. It still reads the device list and keeps a
 * running sum, so the JIT cannot drop the call in the direct baseline while the sequencer's call
 * cannot be dropped anyway: both sides pay for the same handler body.
 */
final class NoopHandler implements HotplugHandler {

    private long seen;

    @Override
    public void handle(HandlerContext context) {
        seen += context.devices().size();
    }

    long seen() {
        return seen;
    }

    /** Service properties of the {@code position}-th application handler of an execute-phase chain. */
    static Map<String, Object> properties(int position) {
        return Map.of("component.name", "benchmark.noop." + position,
                HandlerProperties.PHASE, "execute",
                HandlerProperties.PRIORITY, HandlerProperties.APPLICATION + position,
                "sequencer.bundle", "org.syshotplug.benchmarks");
    }
}
