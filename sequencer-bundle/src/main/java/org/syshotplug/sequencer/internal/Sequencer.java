package org.syshotplug.sequencer.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.osgi.util.promise.PromiseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.Progress;
import org.syshotplug.api.ProgressListener;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/**
 * The hot-plug engine, usable without OSGi: one worker runs requests one at a time from a bounded
 * FIFO queue through a snapshot of the matching handlers (validate, execute, commit; rollback in
 * reverse on an execute failure), like the kernel's single hot-plug lock.
 *
 * <p>Handlers are called on the worker thread itself (a thread hand-off per call cost more than most
 * handlers). A watchdog thread enforces the call deadline: on an overrun it quarantines the handler,
 * abandons the worker stuck in it and starts a replacement worker that fails the step, unwinds the
 * request as any failure would and carries on with the queue, so a wedged handler never wedges the
 * queue. The abandoned worker, if its handler ever returns, exits without touching anything.
 */
public final class Sequencer implements HotplugService, AutoCloseable {

    /** Service property carrying the symbolic name of the bundle that registered a handler. */
    public static final String BUNDLE_PROPERTY = "sequencer.bundle";
    /** The MDC key holding the id of the request being worked on. */
    public static final String MDC_REQUEST_ID = "request.id";

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Set on a thread while it runs a handler call: a handler unregistering itself must not wait for itself. */
    private static final ThreadLocal<Boolean> IN_HANDLER_CALL = new ThreadLocal<>();

    private final EventSink events;
    private final PromiseFactory promises = new PromiseFactory(null);
    /** Runs the rollback calls of recovery only, each awaited with the call deadline (rare, so a hand-off is fine). */
    private final ExecutorService recoveryCalls;
    private final int instance;
    private final AtomicInteger replacements = new AtomicInteger();
    /** The thread serving the queue: replaced when the previous one is stuck in an overrunning handler. */
    private volatile Thread worker;
    /** Counted down when the worker (whichever replacement it is) has left the queue after close. */
    private final CountDownLatch workerStopped = new CountDownLatch(1);
    private final Thread watchdog;
    private volatile boolean watchdogStopped;
    /** The handler call in progress on the worker, or null; the watchdog reads it. */
    private volatile InFlight inFlight;
    /** When the watchdog next wakes by itself; a call due earlier than that must wake it. */
    private volatile long watchdogWakeAt = Long.MAX_VALUE;
    private final AtomicLong fallbackServiceIds = new AtomicLong(1_000_000_000L);

    private final Journal journal;
    private final Deferred<List<HotplugResult>> recovered;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition chainChanged = lock.newCondition();
    // Guarded by lock.
    private final Deque<RequestRun> queue = new ArrayDeque<>();
    private final Set<String> activeIds = new HashSet<>();
    private final Deque<HotplugResult> history = new ArrayDeque<>();
    private final Map<HotplugHandler, RegisteredHandler> registrations = new LinkedHashMap<>();
    private final List<Journal.Entry> pendingRecovery = new ArrayList<>();
    private final Map<HotplugHandler, BooleanSupplier> inServiceTests = new HashMap<>();
    private RequestRun running;
    private boolean closed;

    /** Immutable, in chain order; replaced under lock so a request's snapshot is one consistent view. */
    private volatile List<RegisteredHandler> chain = List.of();
    private volatile SequencerSettings settings;

    public Sequencer(SequencerSettings settings) {
        this(settings, null);
    }

    /**
     * @param settings queue capacity, default call deadline, trace, history size
     * @param events   where request events go, or null for none
     */
    public Sequencer(SequencerSettings settings, EventSink events) {
        this(settings, events, null);
    }

    /**
     * @param settings    queue capacity, default call deadline, trace, history size
     * @param events      where request events go, or null for none
     * @param journalFile where each request's life is recorded, or null for no journal. What a previous
     *                    run left unfinished is recovered by the worker before it takes new requests:
     *                    queued requests are reported aborted, executing ones rolled back through the
     *                    steps they had executed (once their handlers are registered again, waiting at
     *                    most the call deadline for them; in doubt if one stays missing)
     */
    public Sequencer(SequencerSettings settings, EventSink events, Path journalFile) {
        this.settings = settings == null ? SequencerSettings.defaults() : settings;
        this.events = events;
        this.recovered = promises.deferred();
        this.journal = journalFile == null ? null : openJournal(journalFile);
        this.instance = INSTANCES.incrementAndGet();
        AtomicInteger callThreads = new AtomicInteger();
        ThreadFactory callFactory = r -> {
            Thread t = new Thread(r, "hotplug-call-" + instance + "-" + callThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        // Unbounded on purpose: a wedged handler keeps its thread, and the next call needs a fresh one.
        this.recoveryCalls = Executors.newCachedThreadPool(callFactory);
        this.watchdog = new Thread(this::watch, "hotplug-watchdog-" + instance);
        this.watchdog.setDaemon(true);
        this.watchdog.start();
        Thread first = new Thread(() -> serve(this::recover), "hotplug-sequencer-" + instance);
        first.setDaemon(true);
        this.worker = first;
        first.start();
    }

    // ------------------------------------------------------------------ handlers

    /**
     * Adds a handler to the chain; the next request to start uses it.
     *
     * @param serviceProperties {@code hotplug.*} keys, and optionally {@code service.id},
     *                          {@code service.ranking}, {@code component.name}, {@link #BUNDLE_PROPERTY}
     * @throws IllegalArgumentException when the hotplug properties are malformed or the handler is already added
     */
    public void addHandler(HotplugHandler handler, Map<String, ?> serviceProperties) {
        addHandler(handler, serviceProperties, () -> true);
    }

    /**
     * As {@link #addHandler(HotplugHandler, Map)}, with a test of whether the handler's provider is
     * still in service. A request that starts while it answers false runs without the handler. The
     * OSGi component answers false once the handler's bundle is stopping: DS then unregisters that
     * bundle's handlers one by one, and a request must not start with half of a bundle's chain (its
     * validate handler without its execute handler would "succeed" without changing anything).
     */
    public void addHandler(HotplugHandler handler, Map<String, ?> serviceProperties, BooleanSupplier inService) {
        RegisteredHandler added = RegisteredHandler.of(handler, serviceProperties, fallbackServiceIds.incrementAndGet());
        lock.lock();
        try {
            if (registrations.containsKey(handler)) {
                throw new IllegalArgumentException("handler " + added.name() + " is already in the chain");
            }
            registrations.put(handler, added);
            inServiceTests.put(handler, inService);
            publishChain();
        } finally {
            lock.unlock();
        }
        LOG.info("handler {} joined the chain: bundle {}", added, added.bundle());
    }

    /**
     * Takes new service properties for a handler already in the chain (its statistics and any
     * quarantine stay: only a new registration lifts a quarantine).
     */
    public void updateHandler(HotplugHandler handler, Map<String, ?> serviceProperties) {
        lock.lock();
        try {
            RegisteredHandler old = registrations.get(handler);
            if (old == null) {
                throw new IllegalArgumentException("handler " + handler + " is not in the chain");
            }
            registrations.put(handler, old.modified(serviceProperties));
            publishChain();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes a handler from the chain. If the running request holds it, waits until that request
     * has ended (bounded by the longest the request can run given its call deadline), so a handler
     * never vanishes under the request that uses it.
     *
     * @return true if the handler was in the chain
     */
    public boolean removeHandler(HotplugHandler handler) {
        RegisteredHandler removed;
        RequestRun holder;
        lock.lock();
        try {
            removed = registrations.remove(handler);
            inServiceTests.remove(handler);
            if (removed == null) {
                return false;
            }
            publishChain();
            // By service object: the running request may hold an older registration of it (updated properties).
            holder = running != null && running.chain.stream().anyMatch(h -> h.handler() == handler) ? running : null;
        } finally {
            lock.unlock();
        }
        LOG.info("handler {} left the chain", removed);
        if (holder != null && IN_HANDLER_CALL.get() == null) {
            awaitEnd(holder, removed);
        }
        return true;
    }

    private void awaitEnd(RequestRun holder, RegisteredHandler removed) {
        long deadline = holder.startedNanos + holder.maxRuntime().toNanos();
        long wait = deadline - System.nanoTime();
        try {
            if (!holder.ended.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                LOG.warn("handler {} removed while request {} still runs after {} ms; it may be called once more",
                        removed, holder.request.id(), holder.maxRuntime().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Guarded by lock. */
    private boolean inService(RegisteredHandler h) {
        BooleanSupplier test = inServiceTests.get(h.handler());
        try {
            return test == null || test.getAsBoolean();
        } catch (RuntimeException e) {
            // The worker must survive whatever a provider test throws; a provider we cannot ask is not used.
            LOG.warn("handler {} left out of this request: its provider could not be checked: {}", h, e.toString());
            return false;
        }
    }

    private void publishChain() {
        List<RegisteredHandler> next = new ArrayList<>(registrations.values());
        next.sort(RegisteredHandler.CHAIN);
        chain = List.copyOf(next);
        chainChanged.signalAll();
    }

    // ------------------------------------------------------------------ settings

    /** Applies new settings: capacity to the next submission, deadline and trace to the next call. */
    public void updateSettings(SequencerSettings next) {
        lock.lock();
        try {
            this.settings = next;
            while (history.size() > next.historySize()) {
                history.removeFirst();
            }
            if (journal != null) {
                journal.keep(next.historySize());
            }
        } finally {
            lock.unlock();
        }
        LOG.info("settings now {}", next);
    }

    public SequencerSettings settings() {
        return settings;
    }

    // ------------------------------------------------------------------ HotplugService

    @Override
    public Promise<HotplugResult> submit(HotplugRequest request) {
        return submit(request, null);
    }

    @Override
    public Promise<HotplugResult> submit(HotplugRequest request, ProgressListener listener) {
        if (request == null) {
            throw new IllegalArgumentException("request is null");
        }
        Deferred<HotplugResult> deferred = promises.deferred();
        RequestRun run = new RequestRun(request, listener, deferred);
        String refusal;
        lock.lock();
        try {
            int capacity = settings.queueCapacity();
            if (closed) {
                refusal = "the sequencer is stopped; request " + request.id() + " was not queued";
            } else if (activeIds.contains(request.id())) {
                refusal = "request id " + request.id() + " is already queued or running; use a new id";
            } else if (queue.size() >= capacity) {
                refusal = "the request queue is full (" + capacity + " waiting); retry when requests have finished"
                        + " or raise queueCapacity of configuration org.syshotplug.sequencer";
            } else {
                refusal = null;
                queue.addLast(run);
                activeIds.add(request.id());
                if (journal != null) {
                    run.journaled = true;
                    journal.queued(request, run.submitted);
                }
                // Posted under the lock so QUEUED always precedes the worker's STARTED.
                post(HotplugEvents.QUEUED, run, Map.of());
                queued.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (refusal != null) {
            finishUnstarted(run, Outcome.REJECTED, new HotplugError(null, null, Errno.EAGAIN, false, refusal));
        }
        return deferred.getPromise();
    }

    @Override
    public boolean cancel(String requestId) {
        RequestRun found = null;
        lock.lock();
        try {
            for (RequestRun r : queue) {
                if (r.request.id().equals(requestId)) {
                    found = r;
                    break;
                }
            }
            if (found == null) {
                return false;
            }
            queue.remove(found);
            activeIds.remove(requestId);
        } finally {
            lock.unlock();
        }
        LOG.info("request {} cancelled while queued", requestId);
        finishUnstarted(found, Outcome.CANCELLED,
                new HotplugError(null, null, Errno.ECANCELED, false, "cancelled while queued; nothing ran"));
        return true;
    }

    @Override
    public List<RequestStatus> requests() {
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

    @Override
    public List<HotplugResult> history(int max) {
        lock.lock();
        try {
            List<HotplugResult> all = new ArrayList<>(history);
            int n = Math.max(0, Math.min(max, all.size()));
            return List.copyOf(all.subList(all.size() - n, all.size()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<HandlerInfo> handlers() {
        return chain.stream().map(RegisteredHandler::info).toList();
    }

    /**
     * Stops taking requests, reports the queued ones {@link Outcome#ABORTED}, lets the running one end
     * (bounded by its deadline) and stops the worker.
     */
    @Override
    public void close() {
        List<RequestRun> dropped;
        RequestRun current;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            dropped = new ArrayList<>(queue);
            queue.clear();
            dropped.forEach(r -> activeIds.remove(r.request.id()));
            current = running;
            queued.signalAll();
            chainChanged.signalAll();
        } finally {
            lock.unlock();
        }
        for (RequestRun r : dropped) {
            finishUnstarted(r, Outcome.ABORTED, new HotplugError(null, null, Errno.ECANCELED, false,
                    "the sequencer stopped before the request started; nothing ran"));
        }
        try {
            long waitMillis = current == null ? 1000 : current.maxRuntime().toMillis() + 1000;
            // Handlers run on the worker: one that stops the sequencer must not wait for itself.
            if (Thread.currentThread() != worker && !workerStopped.await(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("request worker still busy after {} ms at stop; interrupting it", waitMillis);
                worker.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watchdogStopped = true;
            LockSupport.unpark(watchdog);
        }
        recoveryCalls.shutdownNow();
        if (journal != null) {
            journal.close();
        }
    }

    // ------------------------------------------------------------------ the worker

    /**
     * The body of a worker thread: first its own task (recovery for the first worker, the take-over
     * of the overrun request for a replacement), then the queue until close.
     */
    private void serve(Runnable firstTask) {
        try {
            firstTask.run();
            serveQueue();
            workerStopped.countDown();
        } catch (Abandoned e) {
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
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                run = queue.removeFirst();
                running = run;
                // The chain is snapshotted together with marking the request running, so a handler
                // removed from now on is known to be held by this request.
                List<RegisteredHandler> snapshot = new ArrayList<>();
                for (RegisteredHandler h : chain) {
                    if (h.takesPart(run.request.operation()) && inService(h)) {
                        snapshot.add(h);
                    }
                }
                run.chain = List.copyOf(snapshot);
                run.callDeadline = run.request.deadline() != null ? run.request.deadline()
                        : settings.handlerDeadline();
                run.startedNanos = System.nanoTime();
                run.started = Instant.now();
            } finally {
                lock.unlock();
            }
            if (journal != null) {
                journal.started(run.request.id(), run.started);
            }
            runRequest(run, () -> {
                LOG.info("request {} started with {} handlers", run.request, run.chain.size());
                post(HotplugEvents.STARTED, run, Map.of());
                return new ChainRun(run).run();
            });
        }
    }

    /**
     * Runs a request (or the rest of one, for a replacement worker) and finishes it. Lets
     * {@link Abandoned} through untouched: the replacement finishes the request then.
     */
    private void runRequest(RequestRun run, Supplier<HotplugResult> body) {
        HotplugResult result;
        MDC.put(MDC_REQUEST_ID, run.request.id());
        Thread me = Thread.currentThread();
        String plainName = me.getName();
        // The request id in the thread name too, for back ends (slf4j-simple) without an MDC.
        me.setName(plainName + " [" + run.request.id() + "]");
        try {
            result = body.get();
        } catch (Abandoned e) {
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
            finish(run, result);
        } finally {
            MDC.remove(MDC_REQUEST_ID);
            me.setName(plainName);
        }
    }

    // ------------------------------------------------------------------ the watchdog

    /**
     * Parks until the call in progress is due (or, idle, for the default deadline), so in the common
     * case neither the worker nor the watchdog wakes the other: a call due earlier than the
     * watchdog's wake-up unparks it.
     */
    private void watch() {
        while (!watchdogStopped) {
            InFlight f = inFlight;
            long now = System.nanoTime();
            if (f != null && now - f.dueNanos >= 0) {
                overrun(f);
                continue;
            }
            long wait = f != null ? f.dueNanos - now
                    : Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(settings.handlerDeadline().toNanos(),
                            TimeUnit.MINUTES.toNanos(1)));
            watchdogWakeAt = now + wait;
            // Re-read after publishing the wake-up: a call published meanwhile either sees the new
            // wake-up time (and unparks us if due earlier) or is seen here.
            if (inFlight != f || watchdogStopped) {
                continue;
            }
            LockSupport.parkNanos(this, wait);
        }
    }

    private void publish(InFlight f) {
        inFlight = f;
        if (f.dueNanos - watchdogWakeAt < 0) {
            LockSupport.unpark(watchdog);
        }
    }

    /** The call overran: unless its worker returned at this very moment, take the request over. */
    private void overrun(InFlight f) {
        if (!f.settled.compareAndSet(false, true)) {
            return;
        }
        inFlight = null;
        Duration took = Duration.ofNanos(System.nanoTime() - f.startNanos);
        HotplugError error = quarantine(f.handler, f.phase, f.deadline, f.chainRun.run.request.id());
        // Most handlers stuck in a blocking call give up when interrupted; the abandoned thread ends then.
        f.worker.interrupt();
        Thread replacement = new Thread(() -> serve(() -> runRequest(f.chainRun.run,
                () -> f.chainRun.afterOverrun(f, took, error))),
                "hotplug-sequencer-" + instance + "." + replacements.incrementAndGet());
        replacement.setDaemon(true);
        worker = replacement;
        replacement.start();
    }

    private static HotplugError quarantine(RegisteredHandler h, Phase stepPhase, Duration deadline, String requestId) {
        String why = "overran its " + deadline.toMillis() + " ms deadline in " + stepPhase.word()
                + " of request " + requestId + " at " + Instant.now()
                + "; re-register it (restart its bundle) to use it again";
        h.quarantine(why);
        LOG.error("handler {} quarantined: {}", h.name(), why);
        return new HotplugError(h.name(), null, Errno.ETIMEDOUT, false,
                "handler " + h.name() + " " + why + "; it is quarantined");
    }

    /** Thrown in a worker whose handler came back after the watchdog had replaced the worker. */
    private static final class Abandoned extends Error {
        private static final long serialVersionUID = 1L;
        static final Abandoned INSTANCE = new Abandoned();

        private Abandoned() {
            super("worker replaced while in an overrunning handler", null, false, false);
        }
    }

    /** The handler call in progress on the worker. */
    private static final class InFlight {
        final ChainRun chainRun;
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

        InFlight(ChainRun chainRun, RegisteredHandler handler, Phase phase, List<DeviceRef> devices,
                StepContext context, Duration deadline, long startNanos) {
            this.chainRun = chainRun;
            this.handler = handler;
            this.phase = phase;
            this.devices = devices;
            this.context = context;
            this.deadline = deadline;
            this.startNanos = startNanos;
            this.dueNanos = startNanos + deadline.toNanos();
        }
    }

    /** One request's walk through its chain: validate, execute, commit, and the unwinding. */
    private final class ChainRun {
        private final RequestRun run;
        private final List<StepRecord> steps = new ArrayList<>();
        /** Recovery calls each handler on a pool thread: its worker has no queue a replacement could take over. */
        private final boolean handOff;
        // Where the walk stands, so a replacement worker can carry on after an overrun.
        private final List<RegisteredHandler> executed = new ArrayList<>();
        private List<RegisteredHandler> unwinding;
        private int unwindIndex;
        private HotplugError unwindCause;
        private HotplugError firstRollbackError;

        ChainRun(RequestRun run) {
            this.run = run;
            this.handOff = false;
        }

        ChainRun(RequestRun run, List<StepRecord> earlier) {
            this.run = run;
            this.steps.addAll(earlier);
            this.handOff = true;
        }

        private void phaseBegins(Phase phase) {
            if (journal != null) {
                journal.phase(run.request.id(), phase, run.devices());
            }
        }

        HotplugResult run() {
            boolean bringUp = run.request.operation().isBringUp();
            phaseBegins(Phase.VALIDATE);

            // Validate always ascends: resource handlers must resolve targets before device handlers look.
            for (RegisteredHandler h : phase(Phase.VALIDATE, true)) {
                if (!h.caresAbout(run.deviceTypes())) {
                    continue;
                }
                Call c = call(h, Phase.VALIDATE);
                if (c.failed()) {
                    if (c.error.overridable() && forceHonoured()) {
                        steps.set(steps.size() - 1, c.record(StepRecord.Status.OVERRIDDEN));
                        LOG.warn("overridable veto of {} skipped by force: {}", h.name(), c.error);
                        continue;
                    }
                    return result(Outcome.REJECTED, vetoError(c.error));
                }
            }
            if (run.request.dryRun()) {
                return result(Outcome.SUCCEEDED, null);
            }
            if (nobodyCarriesItOut()) {
                return result(Outcome.REJECTED, new HotplugError(null, null, Errno.EOPNOTSUPP, false,
                        "no execute or commit handler takes part in " + run.request.operation().word() + " of "
                        + run.deviceTypes() + " devices, so nothing would change: is the bundle that handles them"
                        + " installed and its handlers out of quarantine? (hotplug:handlers shows the chain)"));
            }
            phaseBegins(Phase.EXECUTE);

            for (RegisteredHandler h : phase(Phase.EXECUTE, bringUp)) {
                if (!h.caresAbout(run.deviceTypes())) {
                    continue;
                }
                Call c = call(h, Phase.EXECUTE);
                if (c.failed()) {
                    return unwind(executed, c.error);
                }
                if (c.status == StepRecord.Status.OK) {
                    executed.add(h);
                }
            }
            phaseBegins(Phase.COMMIT);

            for (RegisteredHandler h : phase(Phase.COMMIT, bringUp)) {
                if (!h.caresAbout(run.deviceTypes())) {
                    continue;
                }
                Call c = call(h, Phase.COMMIT);
                if (c.failed()) {
                    // What commit did cannot be undone, and later commit steps build on this one.
                    return result(Outcome.COMMIT_FAILED, c.error);
                }
            }
            return result(Outcome.SUCCEEDED, null);
        }

        /** Undoes the executed steps in exact reverse; every undo is tried even when one fails. */
        HotplugResult unwind(List<RegisteredHandler> toUndo, HotplugError cause) {
            unwinding = List.copyOf(toUndo);
            unwindIndex = unwinding.size();
            unwindCause = cause;
            firstRollbackError = null;
            return continueUnwinding();
        }

        private HotplugResult continueUnwinding() {
            while (--unwindIndex >= 0) {
                Call c = call(unwinding.get(unwindIndex), Phase.ROLLBACK);
                if (c.failed() && firstRollbackError == null) {
                    firstRollbackError = c.error;
                }
            }
            HotplugError cause = unwindCause;
            if (firstRollbackError == null) {
                return result(Outcome.ROLLED_BACK, cause);
            }
            return result(Outcome.ROLLBACK_FAILED, new HotplugError(firstRollbackError.handler(),
                    firstRollbackError.device(), firstRollbackError.errno(), false,
                    "rollback failed, the system may be in between: " + firstRollbackError.message()
                            + " (the request had failed in " + cause.handler() + ": " + cause.message() + ")"));
        }

        /**
         * The rest of the request after the call in {@code f} overran, on a replacement worker: the
         * step fails with ETIMEDOUT and the walk ends exactly as for any failure of that step.
         */
        HotplugResult afterOverrun(InFlight f, Duration took, HotplugError error) {
            f.context.close();
            f.handler.countFailure();
            Call c = new Call(f.handler, f.phase, f.devices, StepRecord.Status.FAILED, took, error);
            steps.add(c.record(c.status));
            journalStep(c);
            trace(c);
            switch (f.phase) {
                case VALIDATE:
                    // An overrun is never an overridable veto.
                    return result(Outcome.REJECTED, vetoError(error));
                case EXECUTE:
                    return unwind(executed, error);
                case COMMIT:
                    return result(Outcome.COMMIT_FAILED, error);
                default:
                    if (firstRollbackError == null) {
                        firstRollbackError = error;
                    }
                    return continueUnwinding();
            }
        }

        private boolean forceHonoured() {
            return run.request.force() && !run.request.operation().isBringUp();
        }

        private HotplugError vetoError(HotplugError e) {
            if (e.overridable() && run.request.force()) {
                return new HotplugError(e.handler(), e.device(), e.errno(), true, e.message()
                        + " (force is honoured for remove and offline only)");
            }
            return e;
        }

        /**
         * True when validate passed but no handler would change anything: the bundle that executes
         * these devices is absent (or quarantined). Reporting SUCCEEDED then would tell the caller a
         * CPU went offline when nothing touched it.
         */
        private boolean nobodyCarriesItOut() {
            for (Phase p : new Phase[] {Phase.EXECUTE, Phase.COMMIT}) {
                for (RegisteredHandler h : phase(p, true)) {
                    if (h.caresAbout(run.deviceTypes()) && h.quarantineReason() == null) {
                        return false;
                    }
                }
            }
            return true;
        }

        private List<RegisteredHandler> phase(Phase phase, boolean ascending) {
            List<RegisteredHandler> out = new ArrayList<>();
            for (RegisteredHandler h : run.chain) {
                if (h.phase() == phase) {
                    out.add(h);
                }
            }
            out.sort(ascending ? RegisteredHandler.BRING_UP : RegisteredHandler.TEAR_DOWN);
            return out;
        }

        private Call call(RegisteredHandler h, Phase stepPhase) {
            run.phase = stepPhase;
            List<DeviceRef> devices = run.devices();
            String reason = h.quarantineReason();
            if (reason != null) {
                Call c = new Call(h, stepPhase, devices, StepRecord.Status.SKIPPED, Duration.ZERO,
                        new HotplugError(h.name(), null, null, false, "skipped: handler " + h.name()
                                + " is quarantined (" + reason + ")"));
                steps.add(c.record(c.status));
                journalStep(c);
                LOG.warn("{} {}: {}", stepPhase.word(), h.name(), c.error.message());
                return c;
            }
            Duration deadline = run.callDeadline;
            long t0 = System.nanoTime();
            Instant due = Instant.now().plus(deadline);
            StepContext context = new StepContext(run, h,
                    stepPhase == Phase.ROLLBACK ? Phase.EXECUTE : stepPhase, due, Sequencer.this::progress);
            if (stepPhase == Phase.EXECUTE && journal != null) {
                String aheadId = run.request.id();
                context.writeAhead = (k, v) -> journal.attributesNow(aheadId, h.name(), k, v);
            }
            h.countCall();
            HotplugError error = handOff ? callOnPoolThread(h, stepPhase, context, deadline) : null;
            if (!handOff) {
                InFlight f = new InFlight(this, h, stepPhase, devices, context, deadline, t0);
                Throwable thrown = null;
                IN_HANDLER_CALL.set(Boolean.TRUE);
                publish(f);
                try {
                    if (stepPhase == Phase.ROLLBACK) {
                        h.handler().rollback(context);
                    } else {
                        h.handler().handle(context);
                    }
                } catch (Throwable t) {
                    // Whatever a handler throws fails its step, never the worker.
                    thrown = t;
                } finally {
                    IN_HANDLER_CALL.remove();
                }
                inFlight = null;
                if (!f.settled.compareAndSet(false, true)) {
                    // The watchdog declared the overrun first and a replacement carries on.
                    throw Abandoned.INSTANCE;
                }
                // A handler may leave the interrupt flag set (restoring it after an InterruptedException):
                // on the worker it would close the journal's channel at its next write.
                if (Thread.interrupted()) {
                    LOG.debug("handler {} left the worker interrupted; cleared", h.name());
                }
                context.close();
                if (thrown != null) {
                    error = errorOf(h, thrown);
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (error != null) {
                h.countFailure();
            }
            Call c = new Call(h, stepPhase, devices, error == null ? StepRecord.Status.OK : StepRecord.Status.FAILED,
                    took, error);
            steps.add(c.record(c.status));
            journalStep(c);
            trace(c);
            return c;
        }

        private HotplugError callOnPoolThread(RegisteredHandler h, Phase stepPhase, StepContext context,
                Duration deadline) {
            String requestId = run.request.id();
            Future<?> future = recoveryCalls.submit(() -> {
                Thread me = Thread.currentThread();
                String plainName = me.getName();
                MDC.put(MDC_REQUEST_ID, requestId);
                me.setName(plainName + " [" + requestId + "]");
                IN_HANDLER_CALL.set(Boolean.TRUE);
                try {
                    if (stepPhase == Phase.ROLLBACK) {
                        h.handler().rollback(context);
                    } else {
                        h.handler().handle(context);
                    }
                    return null;
                } finally {
                    IN_HANDLER_CALL.remove();
                    MDC.remove(MDC_REQUEST_ID);
                    me.setName(plainName);
                }
            });
            try {
                future.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
                return null;
            } catch (TimeoutException e) {
                future.cancel(true);
                return quarantine(h, stepPhase, deadline, requestId);
            } catch (ExecutionException e) {
                return errorOf(h, e.getCause());
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                return new HotplugError(h.name(), null, Errno.ECANCELED, false,
                        "the sequencer was stopped while " + h.name() + " was running");
            } finally {
                context.close();
            }
        }

        private void journalStep(Call c) {
            if (journal == null) {
                return;
            }
            String id = run.request.id();
            if (c.phase == Phase.EXECUTE && c.status == StepRecord.Status.OK) {
                journal.attributes(id, c.handler.name(), run.attributes(c.handler));
            }
            journal.step(id, c.record(c.status));
        }

        private void trace(Call c) {
            if (settings.trace()) {
                LOG.info("step {} {} {} {} in {} ms{}", c.phase.word(), c.handler.name(), c.handler.bundle(), c.status,
                        c.took.toMillis(), c.error == null ? "" : ": " + c.error);
            } else if (LOG.isDebugEnabled()) {
                LOG.debug("step {} {} {} in {} ms{}", c.phase.word(), c.handler.name(), c.status,
                        c.took.toMillis(), c.error == null ? "" : ": " + c.error);
            }
        }

        private HotplugResult result(Outcome outcome, HotplugError error) {
            return new HotplugResult(run.request, outcome, run.devices(), steps, error, run.started, Instant.now());
        }
    }

    private static HotplugError errorOf(RegisteredHandler h, Throwable failure) {
        if (failure instanceof HotplugException he) {
            return he.toError(h.name());
        }
        String detail = failure.getMessage() == null ? failure.getClass().getName()
                : failure.getClass().getSimpleName() + ": " + failure.getMessage();
        LOG.warn("handler {} threw instead of reporting a HotplugException", h.name(), failure);
        return new HotplugError(h.name(), null, Errno.fromMessage(failure.getMessage()), false,
                "handler " + h.name() + " failed unexpectedly: " + detail);
    }

    /** The outcome of one handler call. */
    private static final class Call {
        final RegisteredHandler handler;
        final Phase phase;
        final List<DeviceRef> devices;
        final StepRecord.Status status;
        final Duration took;
        final HotplugError error;

        Call(RegisteredHandler handler, Phase phase, List<DeviceRef> devices, StepRecord.Status status, Duration took,
                HotplugError error) {
            this.handler = handler;
            this.phase = phase;
            this.devices = devices;
            this.status = status;
            this.took = took;
            this.error = error;
        }

        boolean failed() {
            return status == StepRecord.Status.FAILED;
        }

        StepRecord record(StepRecord.Status s) {
            return new StepRecord(handler.name(), handler.bundle(), phase, devices, took, s, error);
        }
    }

    // ------------------------------------------------------------------ journal and recovery

    /**
     * Resolves, once the worker has dealt with what the journal showed unfinished at start, with the
     * results it reported for those requests (empty without a journal or with nothing unfinished).
     */
    public Promise<List<HotplugResult>> recovery() {
        return recovered.getPromise();
    }

    private Journal openJournal(Path file) {
        List<HotplugResult> finished = new ArrayList<>();
        try {
            Journal j = Journal.open(file, this.settings.historySize(), pendingRecovery, finished);
            history.addAll(finished);
            // Their ids stay taken until recovery has dealt with them.
            pendingRecovery.forEach(e -> activeIds.add(e.request.id()));
            LOG.info("journal {}: {} finished requests read back, {} unfinished to recover", file, finished.size(),
                    pendingRecovery.size());
            return j;
        } catch (IOException | RuntimeException e) {
            LOG.error("journal {} cannot be opened ({}); running without a journal", file, e.toString());
            pendingRecovery.clear();
            return null;
        }
    }

    /** Deals with what a previous run left unfinished, before any new request runs. */
    private void recover() {
        List<HotplugResult> results = new ArrayList<>();
        try {
            for (Journal.Entry e : pendingRecovery) {
                MDC.put(MDC_REQUEST_ID, e.request.id());
                try {
                    HotplugResult r = recover(e);
                    if (r == null) {
                        // Stopped while waiting for handlers: the journal keeps the request for the next start.
                        break;
                    }
                    results.add(r);
                } catch (RuntimeException ex) {
                    LOG.error("recovery of request {} failed", e.request.id(), ex);
                } finally {
                    MDC.remove(MDC_REQUEST_ID);
                }
            }
        } finally {
            lock.lock();
            try {
                pendingRecovery.forEach(e -> activeIds.remove(e.request.id()));
            } finally {
                lock.unlock();
            }
            pendingRecovery.clear();
            recovered.resolve(List.copyOf(results));
        }
    }

    private HotplugResult recover(Journal.Entry e) {
        RequestRun run = new RequestRun(e.request, null, promises.deferred());
        run.journaled = true;
        run.restoreDevices(e.devices);
        if (e.started == null) {
            return recovered(run, e, Outcome.ABORTED, "queued when the runtime stopped; dropped on restart, nothing ran");
        }
        if (e.phase == Phase.COMMIT) {
            return recovered(run, e, Outcome.COMMIT_FAILED, "interrupted by a restart during commit: the change"
                    + " stays and its commit may be incomplete; check " + e.devices);
        }
        List<String> executed = e.executedNotUndone();
        if (executed.isEmpty()) {
            return recovered(run, e, Outcome.ROLLED_BACK, "interrupted by a restart during "
                    + (e.phase == null ? "validate" : e.phase.word()) + " before anything was executed; nothing changed");
        }
        List<RegisteredHandler> handlers = awaitHandlers(executed);
        if (handlers == null && isClosed()) {
            return null;
        }
        if (handlers == null) {
            List<String> missing = new ArrayList<>(executed);
            chain.forEach(h -> missing.remove(h.name()));
            return recovered(run, e, Outcome.ROLLBACK_FAILED, "in doubt: interrupted by a restart after executing "
                    + executed + "; handler(s) " + missing + " not registered within "
                    + settings.handlerDeadline().toMillis() + " ms, so nothing was rolled back; check " + e.devices);
        }
        LOG.warn("request {} was executing when the runtime stopped; rolling back {}", e.request.id(), executed);
        lock.lock();
        try {
            running = run;
            run.chain = List.copyOf(handlers);
            run.callDeadline = e.request.deadline() != null ? e.request.deadline() : settings.handlerDeadline();
            run.startedNanos = System.nanoTime();
            run.started = e.started;
        } finally {
            lock.unlock();
        }
        for (RegisteredHandler h : handlers) {
            Map<String, Object> kept = e.attributes.get(h.name());
            if (kept != null) {
                run.attributes(h).putAll(kept);
            }
        }
        HotplugResult result;
        try {
            result = new ChainRun(run, e.steps).unwind(handlers, new HotplugError(null, null, Errno.ECANCELED, false,
                    "interrupted by a restart during execute"));
        } finally {
            lock.lock();
            try {
                running = null;
            } finally {
                lock.unlock();
            }
        }
        finish(run, result);
        return result;
    }

    private HotplugResult recovered(RequestRun run, Journal.Entry e, Outcome outcome, String message) {
        Instant now = Instant.now();
        HotplugResult result = new HotplugResult(e.request, outcome, e.devices, e.steps,
                new HotplugError(null, null, outcome == Outcome.ABORTED ? Errno.ECANCELED : null, false, message),
                e.started == null ? now : e.started, now);
        finish(run, result);
        return result;
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** The registered handlers with these names, in this order, waiting at most the call deadline; null if one stays missing. */
    private List<RegisteredHandler> awaitHandlers(List<String> names) {
        long deadline = System.nanoTime() + settings.handlerDeadline().toNanos();
        lock.lock();
        try {
            while (true) {
                List<RegisteredHandler> found = new ArrayList<>();
                for (String name : names) {
                    chain.stream().filter(h -> h.name().equals(name)).findFirst().ifPresent(found::add);
                }
                if (found.size() == names.size()) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return null;
                }
                chainChanged.awaitNanos(left);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ results, progress, events

    private void finishUnstarted(RequestRun run, Outcome outcome, HotplugError error) {
        Instant now = Instant.now();
        finish(run, new HotplugResult(run.request, outcome, run.request.targets(), List.of(), error, now, now));
    }

    private void finish(RequestRun run, HotplugResult result) {
        lock.lock();
        try {
            int max = settings.historySize();
            if (max > 0) {
                history.addLast(result);
                while (history.size() > max) {
                    history.removeFirst();
                }
            }
        } finally {
            lock.unlock();
        }
        // The summary names every device: format it only for a line that will be written.
        if (result.outcome() == Outcome.SUCCEEDED) {
            if (LOG.isInfoEnabled()) {
                LOG.info("{}", result.summary());
            }
        } else if (LOG.isWarnEnabled()) {
            LOG.warn("{}", result.summary());
        }
        if (journal != null && run.journaled) {
            journal.completed(result);
        }
        // The outcome event goes out before the promise resolves, so a caller holding the result
        // knows the event was posted.
        try {
            postOutcome(run, result);
        } finally {
            try {
                run.deferred.resolve(result);
            } finally {
                run.ended.countDown();
            }
        }
    }

    private void postOutcome(RequestRun run, HotplugResult result) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(HotplugEvents.OUTCOME, result.outcome().name());
        if (result.error() != null) {
            extra.put(HotplugEvents.MESSAGE, result.error().toString());
            if (result.error().handler() != null) {
                extra.put(HotplugEvents.HANDLER, result.error().handler());
            }
            if (result.error().errno() != null) {
                extra.put(HotplugEvents.ERRNO, result.error().errno().name());
            }
        }
        post(HotplugEvents.topic(result.outcome()), run, extra);
    }

    private void progress(RequestRun run, RegisteredHandler handler, Phase phase, DeviceRef device, int done,
            int total, String message) {
        Progress p = new Progress(run.request.id(), handler.name(), phase, device, done, total, message);
        if (run.listener != null) {
            try {
                run.listener.progress(p);
            } catch (RuntimeException e) {
                LOG.warn("progress listener of request {} failed", run.request.id(), e);
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(HotplugEvents.PHASE, phase.word());
        extra.put(HotplugEvents.HANDLER, handler.name());
        if (message != null) {
            extra.put(HotplugEvents.MESSAGE, message);
        }
        if (device != null) {
            extra.put("device", device.toString());
        }
        extra.put("done", done);
        extra.put("total", total);
        post(HotplugEvents.PROGRESS, run, extra);
    }

    private void post(String topic, RequestRun run, Map<String, Object> extra) {
        if (events == null) {
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(HotplugEvents.REQUEST_ID, run.request.id());
        props.put(HotplugEvents.OPERATION, run.request.operation().word());
        props.put(HotplugEvents.DEVICES, run.devices().stream().map(DeviceRef::toString).toArray(String[]::new));
        props.put(HotplugEvents.ORIGIN, run.request.origin());
        props.putAll(extra);
        try {
            events.post(topic, Collections.unmodifiableMap(props));
        } catch (RuntimeException e) {
            LOG.warn("posting {} for request {} failed", topic, run.request.id(), e);
        }
    }
}
