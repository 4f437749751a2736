package org.syshotplug.sequencer.internal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.osgi.util.promise.PromiseFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.shell.DeviceRanges;
import org.syshotplug.spi.UndoLog;

/**
 * What happens at start with what the journal shows: finished requests fill the history, queued
 * ones are reported ABORTED, executing ones are walked back down through the steps they executed,
 * each handler's rollback given its undo log as rebuilt from the journal (once their handlers are
 * registered again, waiting at most the call deadline; IN_DOUBT if one stays missing), and one
 * interrupted in commit is rolled forward: the commit steps not journaled OK run again, and it ends
 * SUCCEEDED, or COMMIT_FAILED if one fails again (IN_DOUBT if a commit handler stays missing). A
 * damaged journal is not guessed at: the requests it names as unfinished come back IN_DOUBT from
 * {@link Journal} and are only reported. Runs on the worker before any new request; a replacement
 * worker carries on with it if a rollback or commit call overruns.
 */
final class Recovery {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    private final Journal journal;
    private final List<Journal.Entry> pending = new ArrayList<>();
    private final List<HotplugResult> finished = new ArrayList<>();
    /** Named unfinished by a damaged journal: already journaled IN_DOUBT, reported (events, history) by the worker. */
    private final List<HotplugResult> inDoubt = new ArrayList<>();
    private final Deferred<List<HotplugResult>> recovered;
    private final PromiseFactory promises;
    private final Supplier<SequencerSettings> settings;
    private Worker worker;
    private HandlerRegistry registry;
    private Events events;
    // Touched only by the worker serving at the time (one at a time, handed over by the watchdog).
    private final List<HotplugResult> results = new ArrayList<>();
    private int next;
    private boolean done;

    /** Opens the journal (if a file is given) and reads what it holds; the worker recovers later. */
    Recovery(Path journalFile, Supplier<SequencerSettings> settings, PromiseFactory promises) {
        this.settings = settings;
        this.promises = promises;
        this.recovered = promises.deferred();
        this.journal = journalFile == null ? null : open(journalFile);
    }

    private Journal open(Path file) {
        // Never null: a journal that cannot be used still answers why state-changing requests are refused.
        Journal j = Journal.open(file, Journal.Options.defaults(settings.get().historySize()));
        Journal.Readback back = j.readback();
        finished.addAll(back.finished);
        pending.addAll(back.unfinished);
        inDoubt.addAll(back.inDoubt);
        LOG.info("journal {}: {} finished requests read back, {} unfinished to recover{}", file, finished.size(),
                pending.size(), inDoubt.isEmpty() ? "" : ", " + inDoubt.size() + " in doubt");
        return j;
    }

    /** The journal, or null when there is none. */
    Journal journal() {
        return journal;
    }

    /** Hands the finished requests to the history and keeps the unfinished ones' ids taken. */
    void bind(Worker w, HandlerRegistry handlers, Events e) {
        this.worker = w;
        this.registry = handlers;
        this.events = e;
        e.remember(finished);
        finished.clear();
        w.reserve(ids(), true);
    }

    Promise<List<HotplugResult>> promise() {
        return recovered.getPromise();
    }

    /** Deals with what is left unfinished, before any new request runs; nothing once done. */
    void resume() {
        if (done) {
            return;
        }
        boolean abandoned = false;
        try {
            reportInDoubt();
            while (next < pending.size()) {
                Journal.Entry e = pending.get(next++);
                MDC.put(Sequencer.MDC_REQUEST_ID, e.request.id());
                try {
                    if (!recover(e)) {
                        // Stopped while waiting for handlers: the journal keeps the request for the next start.
                        break;
                    }
                } catch (RuntimeException ex) {
                    LOG.error("recovery of request {} failed", e.request.id(), ex);
                } finally {
                    MDC.remove(Sequencer.MDC_REQUEST_ID);
                }
            }
        } catch (Watchdog.Abandoned a) {
            // A replacement worker finishes the request and calls resume() for the rest.
            abandoned = true;
            throw a;
        } finally {
            if (!abandoned) {
                done = true;
                worker.reserve(ids(), false);
                pending.clear();
                if (journal != null) {
                    // Recovered outcomes reach their promises (and results) once durable, on the journal thread.
                    journal.drain();
                }
                recovered.resolve(List.copyOf(results));
            }
        }
    }

    private void reportInDoubt() {
        for (HotplugResult r : inDoubt) {
            RequestRun run = new RequestRun(r.request(), null, promises.deferred());
            run.restoreDevices(r.devices());
            run.onFinished(results::add);
            // Journaled IN_DOUBT already, when the damaged file was moved aside.
            run.journaled = false;
            events.finish(run, r);
        }
        inDoubt.clear();
    }

    /** @return false when the sequencer stopped while recovery waited for handlers */
    private boolean recover(Journal.Entry e) {
        RequestRun run = new RequestRun(e.request, null, promises.deferred());
        run.journaled = true;
        run.restoreDevices(e.devices);
        run.onFinished(results::add);
        if (e.started == null) {
            return report(run, e, Outcome.ABORTED, "queued when the runtime stopped; dropped on restart, nothing ran");
        }
        if (e.phase == Phase.COMMIT) {
            return rollForward(run, e);
        }
        List<String> executed = e.executedNotUndone();
        if (executed.isEmpty()) {
            return report(run, e, Outcome.ROLLED_BACK, "interrupted by a restart during "
                    + (e.phase == null ? "validate" : e.phase.word()) + " before anything was executed; nothing changed");
        }
        List<RegisteredHandler> handlers = registry.await(executed, settings.get().handlerDeadline());
        if (handlers == null && worker.isClosed()) {
            return false;
        }
        if (handlers == null) {
            List<String> missing = new ArrayList<>(executed);
            registry.chain().forEach(h -> missing.remove(h.name()));
            return report(run, e, Outcome.IN_DOUBT, "in doubt: interrupted by a restart after executing "
                    + executed + "; handler(s) " + missing + " not registered within "
                    + settings.get().handlerDeadline().toMillis() + " ms, so nothing was rolled back; check "
                    + DeviceRanges.inOrder(e.devices));
        }
        LOG.warn("request {} was executing when the runtime stopped; rolling back {}", e.request.id(), executed);
        worker.begin(run, ChainWalk.Plan.unwinding(handlers), e.started);
        for (RegisteredHandler h : handlers) {
            Map<String, Object> kept = e.attributes.get(h.name());
            if (kept != null) {
                run.attributes(h).putAll(kept);
            }
            List<UndoLog.Entry> undo = e.undoEntries(h.name());
            if (!undo.isEmpty()) {
                // What the step planned and wrote, as the journal knows it: its rollback restores exactly that.
                run.restoreUndoLog(h, UndoLog.rebuilt(undo, journal.recorder(e.request.id(), h.name())));
            }
        }
        ChainWalk back = worker.unwinding(run, e.steps, new HotplugError(null, null, Errno.ECANCELED,
                false, "interrupted by a restart during execute"));
        worker.runRequest(run, back::walk);
        return true;
    }

    /**
     * Commit cannot be undone, so a request cut off in commit is finished instead, as the kernel
     * finishes a hot-plug past its point of no return: the commit handlers whose step is not
     * journaled OK run again, in the commit order (they are idempotent by contract). Their steps are
     * journaled as they end, so a restart during this walk is recovered the same way, with fewer due.
     *
     * @return false when the sequencer stopped while recovery waited for handlers
     */
    private boolean rollForward(RequestRun run, Journal.Entry e) {
        List<String> due = e.commitHandlers;
        if (due == null) {
            // A journal from before the commit record named its handlers: the chain's, once those that took part are back.
            List<String> tookPart = e.steps.stream().map(StepRecord::handler).distinct().toList();
            if (registry.await(tookPart, settings.get().handlerDeadline()) == null) {
                return worker.isClosed() ? false : missing(run, e, tookPart, "in commit");
            }
            due = PhaseRule.COMMIT.handlers(registry.chain(), e.request.operation()).stream()
                    .filter(h -> h.caresAbout(run.deviceTypes())).map(RegisteredHandler::name).toList();
        }
        List<String> left = e.commitNotDone(due);
        List<RegisteredHandler> handlers = registry.await(left, settings.get().handlerDeadline());
        if (handlers == null) {
            return worker.isClosed() ? false : missing(run, e, left, "in commit, before the commit steps of");
        }
        LOG.warn("request {} was in commit when the runtime stopped; commit cannot be undone, so rolling forward {}",
                e.request.id(), left);
        worker.begin(run, ChainWalk.Plan.rollingForward(handlers), e.started);
        for (RegisteredHandler h : handlers) {
            Map<String, Object> kept = e.attributes.get(h.name());
            if (kept != null) {
                run.attributes(h).putAll(kept);
            }
        }
        ChainWalk forward = worker.rollingForward(run, e.steps);
        worker.runRequest(run, forward::walk);
        return true;
    }

    private boolean missing(RequestRun run, Journal.Entry e, List<String> needed, String where) {
        List<String> missing = new ArrayList<>(needed);
        registry.chain().forEach(h -> missing.remove(h.name()));
        return report(run, e, Outcome.IN_DOUBT, "in doubt: interrupted by a restart " + where + " " + needed
                + "; handler(s) " + missing + " not registered within " + settings.get().handlerDeadline().toMillis()
                + " ms, so the commit was not finished; check " + DeviceRanges.inOrder(e.devices));
    }

    private boolean report(RequestRun run, Journal.Entry e, Outcome outcome, String message) {
        Instant now = Instant.now();
        events.finish(run, new HotplugResult(e.request, outcome, e.devices, e.steps,
                new HotplugError(null, null, outcome == Outcome.ABORTED ? Errno.ECANCELED : null, false, message),
                e.started == null ? now : e.started, now));
        return true;
    }

    private List<String> ids() {
        return pending.stream().map(e -> e.request.id()).toList();
    }
}
