package org.syshotplug.sequencer.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.Phase;

/**
 * Enforces the call deadline. It parks until the call in progress is due (or, idle, for the default
 * deadline), so in the common case neither the worker nor the watchdog wakes the other. On an
 * overrun it quarantines the handler, counts the worker as stuck in it, interrupts it and hands the
 * request to {@link TakeOver} (a replacement worker).
 */
final class Watchdog {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    /** Carries on with a request whose call overran, on a fresh thread. */
    interface TakeOver {
        void takeOver(InFlight f, Duration took, HotplugError error);
    }

    /** Thrown in a worker whose handler came back after the watchdog had replaced the worker. */
    static final class Abandoned extends Error {
        private static final long serialVersionUID = 1L;
        static final Abandoned INSTANCE = new Abandoned();

        private Abandoned() {
            super("worker replaced while in an overrunning handler", null, false, false);
        }
    }

    /** The handler call in progress on the worker. */
    static final class InFlight {
        final ChainWalk walk;
        final RegisteredHandler handler;
        final Phase phase;
        final List<DeviceRef> devices;
        final StepContext context;
        final Duration deadline;
        final long startNanos;
        final long dueNanos;
        final Thread worker = Thread.currentThread();
        /** Set once, by whichever comes first: the worker returning or the watchdog declaring the overrun. */
        final AtomicBoolean settled = new AtomicBoolean();

        InFlight(ChainWalk walk, RegisteredHandler handler, Phase phase, List<DeviceRef> devices,
                StepContext context, Duration deadline, long startNanos) {
            this.walk = walk;
            this.handler = handler;
            this.phase = phase;
            this.devices = devices;
            this.context = context;
            this.deadline = deadline;
            this.startNanos = startNanos;
            this.dueNanos = startNanos + deadline.toNanos();
        }
    }

    private final Thread thread;
    private final Supplier<SequencerSettings> settings;
    private final TakeOver takeOver;
    private final AtomicReference<InFlight> inFlight = new AtomicReference<>();
    /** When the watchdog next wakes by itself; a call due earlier than that must wake it. */
    private volatile long wakeAt = Long.MAX_VALUE;
    private volatile boolean stopped;

    Watchdog(int instance, Supplier<SequencerSettings> settings, TakeOver takeOver) {
        this.settings = settings;
        this.takeOver = takeOver;
        this.thread = new Thread(this::run, "hotplug-watchdog-" + instance);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The worker is about to call {@code f}'s handler. */
    void watch(InFlight f) {
        inFlight.set(f);
        if (f.dueNanos - wakeAt < 0) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The worker came back from {@code f}'s handler.
     *
     * @return false when the watchdog had already declared the overrun: the caller is abandoned
     */
    boolean returned(InFlight f) {
        // Only its own call: a replacement may have published the next one meanwhile.
        inFlight.compareAndSet(f, null);
        return f.settled.compareAndSet(false, true);
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        while (!stopped) {
            InFlight f = inFlight.get();
            long now = System.nanoTime();
            if (f != null && now - f.dueNanos >= 0) {
                overrun(f);
                continue;
            }
            long wait = f != null ? f.dueNanos - now
                    : Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(settings.get().handlerDeadline().toNanos(),
                            TimeUnit.MINUTES.toNanos(1)));
            wakeAt = now + wait;
            // Re-read after publishing the wake-up: a call published meanwhile either sees the new
            // wake-up time (and unparks us if due earlier) or is seen here.
            if (inFlight.get() != f || stopped) {
                continue;
            }
            LockSupport.parkNanos(this, wait);
        }
    }

    /** The call overran: unless its worker returned at this very moment, take the request over. */
    private void overrun(InFlight f) {
        if (!f.settled.compareAndSet(false, true)) {
            return;
        }
        inFlight.compareAndSet(f, null);
        Duration took = Duration.ofNanos(System.nanoTime() - f.startNanos);
        HotplugError error = quarantine(f.handler, f.phase, f.deadline, f.walk.run.request.id());
        f.handler.countStuck();
        // Most handlers stuck in a blocking call give up when interrupted; the abandoned thread ends then.
        f.worker.interrupt();
        takeOver.takeOver(f, took, error);
    }

    private static HotplugError quarantine(RegisteredHandler h, Phase stepPhase, Duration deadline, String requestId) {
        String why = "overran its " + deadline.toMillis() + " ms deadline in " + stepPhase.word()
                + " of request " + requestId + " at " + Instant.now()
                + "; re-register it (restart its bundle) to use it again";
        h.quarantine(why);
        LOG.warn("handler {} quarantined: {}", h.name(), why);
        return new HotplugError(h.name(), null, Errno.ETIMEDOUT, false,
                "handler " + h.name() + " " + why + "; it is quarantined");
    }
}
