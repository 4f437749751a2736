package org.syshotplug.itests.handlers;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/**
 * Counts how often each request reaches it (per phase) and whether two requests were ever inside it at once.
 * The counters are services the test registers (java.* classes are shared by every bundle), so the
 * test reads them although this class lives in a bundle the test built.
 */
public class OverlapRecorder implements HotplugHandler {

    private AtomicInteger inside;
    private AtomicInteger overlaps;
    private ConcurrentHashMap<String, Integer> calls;

    @Override
    public void handle(HandlerContext context) {
        if (inside.incrementAndGet() > 1) {
            overlaps.incrementAndGet();
        }
        try {
            calls.merge(context.request().id() + "/" + context.phase().word(), 1, Integer::sum);
            // Stay inside a moment, so a second request running at the same time would be seen here.
            Thread.yield();
        } finally {
            inside.decrementAndGet();
        }
    }
}
