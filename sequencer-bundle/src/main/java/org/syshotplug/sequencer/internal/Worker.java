package org.syshotplug.sequencer.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.spi.HotplugHandler;

/**
 * The bounded FIFO queue and the one thread serving it, like the kernel's single hot-plug lock.
 * Handlers are called on the worker itself (a hand-off per call cost more than most handlers).
 * When the watchdog abandons the worker in an overrunning call, a replacement worker finishes that
 * request, then carries on where the first one was: recovery if unfinished, then the queue.
 */
final class Worker implements Watchdog.TakeOver {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    /** A worker thread's own name; while it works on a request the request id is appended. */
    private static final ThreadLocal<String> BASE_NAME = new ThreadLocal<>();

    private final int instance;
    private final Supplier<SequencerSettings> settings;
    private final HandlerRegistry registry;
    private final Events events;
    private final Journal journal;
    private Watchdog watchdog;
    private Recovery recovery;
    private final AtomicInteger replacements = new AtomicInteger();
    /** The thread serving the queue: replaced when the previous one is stuck in an overrunning handler. */
    private volatile Thread thread;
    /** Counted down when the worker (whichever replacement it is) has left the queue after close. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    // Guarded by lock.
    private final Deque<RequestRun> queue = new ArrayDeque<>();
    private final Set<String> activeIds = new HashSet<>();
    private RequestRun running;
    private boolean closed;

    Worker(int instance, Supplier<SequencerSettings> settings, HandlerRegistry registry, Events events,
            Journal journal) {
        this.instance = instance;
        this.settings = settings;
        this.registry = registry;
        this.events = events;
        this.journal = journal;
    }

    /** Starts the first worker: recovery first, then the queue. */
    void start(Watchdog dog, Recovery recover) {
        this.watchdog = dog;
        this.recovery = recover;
        Thread first = new Thread(() -> serve(() -> { }), "hotplug-sequencer-" + instance);
        first.setDaemon(true);
        thread = first;
        first.start();
    }

    // ------------------------------------------------------------------ the queue

    /** Queues {@code run}, or says why not. */
    String submit(RequestRun run) {
        lock.lock();
        try {
            int capacity = settings.get().queueCapacity();
            String id = run.request.id();
            if (closed) {
                return "the sequencer is stopped; request " + id + " was not queued";
            }
            if (activeIds.contains(id)) {
                return "request id " + id + " is already queued or running; use a new id";
            }
            if (queue.size() >= capacity) {
                return "the request queue is full (" + capacity + " waiting); retry when requests have finished"
                        + " or raise queueCapacity of configuration org.syshotplug.sequencer";
            }
            queue.addLast(run);
            activeIds.add(id);
            if (journal != null) {
                run.journaled = true;
                journal.queued(run.request, run.submitted);
            }
            // Posted under the lock so QUEUED always precedes the worker's STARTED.
            events.post(HotplugEvents.QUEUED, run, Map.of());
            queued.signalAll();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a queued request out, or null if it is not waiting. */
    RequestRun cancel(String requestId) {
        lock.lock();
        try {
            for (RequestRun r : queue) {
                if (r.request.id().equals(requestId)) {
                    queue.remove(r);
                    activeIds.remove(requestId);
                    return r;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    List<RequestStatus> requests() {
        lock.lock();
        try {
            List<RequestStatus> out = new ArrayList<>(queue.size() + 1);
            if (running != null) {
                out.add(running.status());
            }
            queue.forEach(r -> out.add(r.status()));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The running request if its chain holds {@code handler} (by service object: it may hold an older registration). */
    RequestRun holding(HotplugHandler handler) {
        lock.lock();
        try {
            return running != null && running.chain.stream().anyMatch(h -> h.handler() == handler) ? running : null;
        } finally {
            lock.unlock();
        }
    }

    /** Ids that stay taken until recovery has dealt with them. */
    void reserve(List<String> ids, boolean taken) {
        lock.lock();
        try {
            if (taken) {
                activeIds.addAll(ids);
            } else {
                activeIds.removeAll(ids);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking requests, reports the queued ones ABORTED, lets the running one end (bounded by
     * its deadline) and stops the worker.
     *
     * @return false if it was closed already
     */
    boolean close() {
        List<RequestRun> dropped;
        RequestRun current;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            dropped.forEach(r -> activeIds.remove(r.request.id()));
            current = running;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        registry.close();
        for (RequestRun r : dropped) {
            events.finishUnstarted(r, Outcome.ABORTED, new HotplugError(null, null, Errno.ECANCELED, false,
                    "the sequencer stopped before the request started; nothing ran"));
        }
        try {
            long waitMillis = current == null ? 1000 : current.maxRuntime().toMillis() + 1000;
            // Handlers run on the worker: one that stops the sequencer must not wait for itself.
            if (Thread.currentThread() != thread && !stopped.await(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("request worker still busy after {} ms at stop; interrupting it", waitMillis);
                thread.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdog.stop();
        }
        return true;
    }

    // ------------------------------------------------------------------ the worker thread

    /**
     * The body of a worker thread: its own task first (nothing for the first worker, the rest of the
     * overrun request for a replacement), then whatever recovery has left, then the queue until close.
     */
    private void serve(Runnable firstTask) {
        try {
            BASE_NAME.set(Thread.currentThread().getName());
            firstTask.run();
            recovery.resume();
            serveQueue();
            stopped.countDown();
        } catch (Watchdog.Abandoned e) {
            // A replacement owns the request and the queue now; this thread touches nothing more.
            LOG.warn("worker {} came back from an overrun handler after it was replaced; it ends",
                    Thread.currentThread().getName());
        }
    }

    private void serveQueue() {
        while (true) {
            RequestRun run;
            lock.lock();
            try {
                if (queue.isEmpty() && !closed) {
                    // Named back only when idle: in a burst each request renames the thread once.
                    // Not under the lock: submitters must not wait for a system call.
                    lock.unlock();
                    try {
                        plainName();
                    } finally {
                        lock.lock();
                    }
                }
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                run = queue.removeFirst();
                // Snapshotted together with marking the request running, so a handler removed from
                // now on is known to be held by this request.
                begin(run, registry.snapshot(run.request.operation()), Instant.now());
            } finally {
                lock.unlock();
            }
            if (journal != null) {
                journal.started(run.request.id(), run.started);
            }
            runRequest(run, () -> {
                LOG.info("request {} started with {} handlers", run.request, run.chain.size());
                events.post(HotplugEvents.STARTED, run, Map.of());
                return walk(run).walk();
            });
        }
    }

    /** Marks {@code run} as the running request walking {@code plan}. */
    void begin(RequestRun run, ChainWalk.Plan plan, Instant started) {
        lock.lock();
        try {
            running = run;
            run.plan = plan;
            run.chain = plan.chain;
            run.callDeadline = run.request.deadline() != null ? run.request.deadline()
                    : settings.get().handlerDeadline();
            run.startedNanos = System.nanoTime();
            run.started = started;
        } finally {
            lock.unlock();
        }
    }

    ChainWalk walk(RequestRun run) {
        return ChainWalk.of(run, journal, events, watchdog, settings);
    }

    ChainWalk unwinding(RequestRun run, List<org.syshotplug.api.StepRecord> earlier, HotplugError cause) {
        return ChainWalk.unwinding(run, earlier, cause, journal, events, watchdog, settings);
    }

    ChainWalk rollingForward(RequestRun run, List<org.syshotplug.api.StepRecord> earlier) {
        return ChainWalk.rollingForward(run, earlier, journal, events, watchdog, settings);
    }

    /**
     * Runs a request (or the rest of one, for a replacement worker) and finishes it. Lets
     * {@link Watchdog.Abandoned} through untouched: the replacement finishes the request then.
     */
    void runRequest(RequestRun run, Supplier<HotplugResult> body) {
        HotplugResult result;
        MDC.put(Sequencer.MDC_REQUEST_ID, run.request.id());
        // The request id in the thread name too, for back ends (slf4j-simple) without an MDC.
        String base = BASE_NAME.get();
        Thread.currentThread().setName((base == null ? "hotplug-sequencer" : base) + " [" + run.request.id() + "]");
        try {
            result = body.get();
        } catch (Watchdog.Abandoned e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.error("request {} failed inside the sequencer", run.request.id(), e);
            result = new HotplugResult(run.request, Outcome.ROLLBACK_FAILED, run.devices(), List.of(),
                    new HotplugError(null, null, Errno.EIO, false, "internal sequencer error: " + e
                            + "; the system may be in between, check the devices"),
                    run.started, Instant.now());
        }
        lock.lock();
        try {
            running = null;
            activeIds.remove(run.request.id());
        } finally {
            lock.unlock();
        }
        try {
            events.finish(run, result);
        } finally {
            MDC.remove(Sequencer.MDC_REQUEST_ID);
        }
    }

    private static void plainName() {
        String base = BASE_NAME.get();
        Thread me = Thread.currentThread();
        if (base != null && !base.equals(me.getName())) {
            me.setName(base);
        }
    }

    /** The watchdog's take-over: a replacement worker ends the overrun request, then serves on. */
    @Override
    public void takeOver(Watchdog.InFlight f, Duration took, HotplugError error) {
        Thread replacement = new Thread(() -> serve(() -> runRequest(f.walk.run,
                () -> f.walk.afterOverrun(f, took, error))),
                "hotplug-sequencer-" + instance + "." + replacements.incrementAndGet());
        replacement.setDaemon(true);
        thread = replacement;
        replacement.start();
    }

    Thread thread() {
        return thread;
    }
}
