package org.syshotplug.sequencer.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/** An execute handler that holds the request it runs in until the test opens it. */
final class Gate implements HotplugHandler {

    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch open = new CountDownLatch(1);

    @Override
    public void handle(HandlerContext context) {
        entered.countDown();
        try {
            open.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitEntered() throws InterruptedException {
        if (!entered.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the gate handler was never called");
        }
    }

    void open() {
        open.countDown();
    }
}
