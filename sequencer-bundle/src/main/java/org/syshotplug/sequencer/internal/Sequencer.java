package org.syshotplug.sequencer.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.osgi.util.promise.PromiseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.ProgressListener;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.spi.HotplugHandler;

/**
 * The hot-plug engine, usable without OSGi. A facade over its parts, each in its own file:
 * {@link HandlerRegistry} (the chain), {@link Worker} (queue and worker thread), {@link Watchdog}
 * (call deadlines), {@link ChainWalk} with {@link PhaseRule} (one request's walk), {@link Recovery}
 * (the journal's unfinished requests at start) and {@link Events} (results, history, events).
 */
public final class Sequencer implements HotplugService, AutoCloseable {

    /** Service property carrying the symbolic name of the bundle that registered a handler. */
    public static final String BUNDLE_PROPERTY = "sequencer.bundle";
    /** The MDC key holding the id of the request being worked on. */
    public static final String MDC_REQUEST_ID = "request.id";

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final PromiseFactory promises = new PromiseFactory(null);
    private final HandlerRegistry registry = new HandlerRegistry();
    private final Recovery recovery;
    private final Journal journal;
    private final Events events;
    private final Worker worker;
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
     * @param sink        where request events go, or null for none
     * @param journalFile where each request's life is recorded, or null for no journal. What a previous
     *                    run left unfinished is recovered by the worker before it takes new requests
     *                    (see {@link Recovery})
     */
    public Sequencer(SequencerSettings settings, EventSink sink, Path journalFile) {
        this.settings = settings == null ? SequencerSettings.defaults() : settings;
        this.recovery = new Recovery(journalFile, this::settings, promises);
        this.journal = recovery.journal();
        this.events = new Events(sink, this::settings, journal);
        int instance = INSTANCES.incrementAndGet();
        this.worker = new Worker(instance, this::settings, registry, events, journal);
        if (journal != null) {
            // A request on its own forces its outcome on the worker; with others queued, the journal thread does.
            journal.othersWaiting(() -> !worker.requests().isEmpty());
        }
        recovery.bind(worker, registry, events);
        worker.start(new Watchdog(instance, this::settings, worker), recovery);
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
        RegisteredHandler added = registry.add(handler, serviceProperties, inService);
        LOG.info("handler {} joined the chain: bundle {}", added, added.bundle());
    }

    /**
     * Takes new service properties for a handler already in the chain (its statistics and any
     * quarantine stay: only a new registration lifts a quarantine).
     */
    public void updateHandler(HotplugHandler handler, Map<String, ?> serviceProperties) {
        registry.update(handler, serviceProperties);
    }

    /**
     * Removes a handler from the chain. If the running request holds it, waits until that request
     * has ended (bounded by the longest the request can run given its call deadline), so a handler
     * never vanishes under the request that uses it; a handler removing itself inside its own call
     * does not wait.
     *
     * @return true if the handler was in the chain
     */
    public boolean removeHandler(HotplugHandler handler) {
        RegisteredHandler removed = registry.remove(handler);
        if (removed == null) {
            return false;
        }
        RequestRun holder = worker.holding(handler);
        LOG.info("handler {} left the chain", removed);
        if (holder != null && !Boolean.TRUE.equals(ChainWalk.IN_HANDLER_CALL.get())) {
            awaitEnd(holder, removed);
        }
        return true;
    }

    private static void awaitEnd(RequestRun holder, RegisteredHandler removed) {
        long wait = holder.startedNanos + holder.maxRuntime().toNanos() - System.nanoTime();
        try {
            if (!holder.ended.await(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
                LOG.warn("handler {} removed while request {} still runs after {} ms; it may be called once more",
                        removed, holder.request.id(), holder.maxRuntime().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ settings

    /** Applies new settings: capacity to the next submission, deadline and trace to the next call. */
    public void updateSettings(SequencerSettings next) {
        this.settings = next;
        events.keep(next.historySize());
        if (journal != null) {
            journal.keep(next.historySize());
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
        // Fail closed: nothing changes the machine while the journal cannot record it (a dry run can).
        Journal.Refusal closed = journal == null || request.dryRun() ? null : journal.refusal();
        if (closed != null) {
            events.finishUnstarted(run, Outcome.REJECTED, new HotplugError(null, null, closed.errno(), false,
                    closed.message()));
            return deferred.getPromise();
        }
        String refusal = worker.submit(run);
        if (refusal != null) {
            events.finishUnstarted(run, Outcome.REJECTED, new HotplugError(null, null, Errno.EAGAIN, false, refusal));
        }
        return deferred.getPromise();
    }

    @Override
    public boolean cancel(String requestId) {
        RequestRun found = worker.cancel(requestId);
        if (found == null) {
            return false;
        }
        LOG.info("request {} cancelled while queued", requestId);
        events.finishUnstarted(found, Outcome.CANCELLED,
                new HotplugError(null, null, Errno.ECANCELED, false, "cancelled while queued; nothing ran"));
        return true;
    }

    @Override
    public List<RequestStatus> requests() {
        return worker.requests();
    }

    @Override
    public List<HotplugResult> history(int max) {
        return events.history(max);
    }

    @Override
    public List<HandlerInfo> handlers() {
        return registry.infos();
    }

    /**
     * Resolves, once the worker has dealt with what the journal showed unfinished at start, with the
     * results it reported for those requests (empty without a journal or with nothing unfinished).
     */
    public Promise<List<HotplugResult>> recovery() {
        return recovery.promise();
    }

    // ------------------------------------------------------------------ journal

    /** Forces of the journal so far (0 without one): the benchmarks' forces-per-request figure. */
    public long journalForces() {
        return journal == null ? 0 : journal.forces();
    }

    /** Bytes in the journal file now (0 without one). */
    public long journalBytes() {
        return journal == null ? 0 : journal.size();
    }

    /** What {@code hotplug:journal status} shows, or null without a journal. */
    Journal.Status journalStatus() {
        return journal == null ? null : journal.status();
    }

    /**
     * An operator has checked what the damaged journal left in doubt: state-changing requests run again.
     *
     * @return the damage acknowledged, or null if there was none (or no journal)
     */
    Journal.Damage acknowledgeJournal(String principal) throws IOException {
        return journal == null ? null : journal.acknowledge(principal);
    }

    /** Whether damage found at start refuses state-changing requests until acknowledged (the default). */
    void refuseUntilAcknowledged(boolean refuse) {
        if (journal != null) {
            journal.refuseUntilAcknowledged(refuse);
        }
    }

    /**
     * Stops taking requests, reports the queued ones {@link Outcome#ABORTED}, lets the running one end
     * (bounded by its deadline) and stops the worker.
     */
    @Override
    public void close() {
        if (worker.close() && journal != null) {
            journal.close();
        }
    }
}
