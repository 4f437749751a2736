package org.syshotplug.itests.handlers;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.syshotplug.api.Errno;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/**
 * Holds each request until the test lets it through: releases {@code entered} when a request
 * reaches it, then takes one permit of {@code open}. The two semaphores are services the test
 * registers (java.* classes are shared by every bundle), so the test waits on them, never on time.
 */
public class GateHandler implements HotplugHandler {

    private Semaphore entered;
    private Semaphore open;

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        entered.release();
        try {
            if (!open.tryAcquire(60, TimeUnit.SECONDS)) {
                throw HotplugException.failure(null, Errno.ETIMEDOUT, "the test never opened the gate", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HotplugException.failure(null, Errno.ECANCELED, "interrupted at the gate", e);
        }
    }
}
