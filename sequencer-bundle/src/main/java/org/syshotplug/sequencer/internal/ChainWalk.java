package org.syshotplug.sequencer.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HotplugException;

/**
 * One request's walk through its chain, as {@code kernel/cpu.c} walks its hot-plug states: a plan
 * of steps (each phase's entry, then its handlers in the order {@link PhaseRule} gives), one loop
 * that walks the plan up, and the same loop walking back down to where it started when a failure's
 * rule says unwind. Every handler call goes through {@link #invoke}, on the worker, on the
 * watchdog's replacement worker and in recovery alike.
 */
final class ChainWalk {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    /** TRUE on a thread while it runs a handler call: a handler unregistering itself must not wait for itself. */
    static final ThreadLocal<Boolean> IN_HANDLER_CALL = new ThreadLocal<>();

    /**
     * The steps of one operation over one chain snapshot, in walk order: each phase's entry (no
     * handler) followed by its handlers. Immutable, so the registry makes it once per chain change
     * and every request that starts with that chain shares it.
     */
    static final class Plan {
        /** The handlers of the plan, in walk order: what the request holds. */
        final List<RegisteredHandler> chain;
        private final PhaseRule[] rules;
        private final RegisteredHandler[] handlers;

        private Plan(List<RegisteredHandler> chain, PhaseRule[] rules, RegisteredHandler[] handlers) {
            this.chain = chain;
            this.rules = rules;
            this.handlers = handlers;
        }

        /** Every phase of the table over {@code walkOrder} (handlers already sorted as {@link PhaseRule#handlers} does). */
        static Plan of(List<RegisteredHandler> walkOrder) {
            int n = walkOrder.size() + PhaseRule.values().length;
            PhaseRule[] rules = new PhaseRule[n];
            RegisteredHandler[] handlers = new RegisteredHandler[n];
            int at = 0;
            for (PhaseRule rule : PhaseRule.values()) {
                rules[at++] = rule;
                for (RegisteredHandler h : walkOrder) {
                    if (h.phase() == rule.phase) {
                        rules[at] = rule;
                        handlers[at++] = h;
                    }
                }
            }
            return new Plan(List.copyOf(walkOrder), rules, handlers);
        }

        /** Only execute steps, in the order a previous run executed them: recovery walks them down. */
        static Plan unwinding(List<RegisteredHandler> executed) {
            PhaseRule[] rules = new PhaseRule[executed.size()];
            java.util.Arrays.fill(rules, PhaseRule.EXECUTE);
            return new Plan(List.copyOf(executed), rules, executed.toArray(new RegisteredHandler[0]));
        }

        /**
         * Only commit steps, for recovery rolling forward a request a restart cut off in commit:
         * {@code commit} is the handlers still to run, in the commit order.
         */
        static Plan rollingForward(List<RegisteredHandler> commit) {
            PhaseRule[] rules = new PhaseRule[commit.size()];
            java.util.Arrays.fill(rules, PhaseRule.COMMIT);
            return new Plan(List.copyOf(commit), rules, commit.toArray(new RegisteredHandler[0]));
        }

        /** The names of the handlers of {@code rule}'s steps, in walk order. */
        List<String> names(PhaseRule rule, java.util.function.Predicate<RegisteredHandler> taking) {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < rules.length; i++) {
                if (rules[i] == rule && handlers[i] != null && taking.test(handlers[i])) {
                    out.add(handlers[i].name());
                }
            }
            return out;
        }

        int size() {
            return rules.length;
        }
    }

    final RequestRun run;
    private final Journal journal;
    private final Events events;
    private final Watchdog watchdog;
    private final Supplier<SequencerSettings> settings;
    private final List<StepRecord> steps;
    private final Plan plan;
    /** Per plan step: its execute returned OK, so walking down its rollback is due. */
    private final boolean[] executed;
    // Where the walk stands, so a replacement worker carries on after an overrun.
    private int pos;
    private boolean up = true;
    private HotplugError unwindCause;
    private HotplugError firstRollbackError;

    private ChainWalk(RequestRun run, Journal journal, Events events, Watchdog watchdog,
            Supplier<SequencerSettings> settings, List<StepRecord> earlier) {
        this.run = run;
        this.journal = journal;
        this.events = events;
        this.watchdog = watchdog;
        this.settings = settings;
        this.plan = run.plan;
        this.executed = new boolean[plan.size()];
        // Sized once: a step per handler, rollbacks at most as many again.
        this.steps = new ArrayList<>(earlier.size() + 2 * plan.chain.size() + 1);
        this.steps.addAll(earlier);
    }

    /** The whole request, over the plan the worker gave it when it started. */
    static ChainWalk of(RequestRun run, Journal journal, Events events, Watchdog watchdog,
            Supplier<SequencerSettings> settings) {
        return new ChainWalk(run, journal, events, watchdog, settings, List.of());
    }

    /**
     * The way back only, for recovery: the run's plan holds the handlers a previous run executed
     * ({@link Plan#unwinding}); the walk starts above the last one and goes down.
     */
    static ChainWalk unwinding(RequestRun run, List<StepRecord> earlier, HotplugError cause, Journal journal,
            Events events, Watchdog watchdog, Supplier<SequencerSettings> settings) {
        ChainWalk w = new ChainWalk(run, journal, events, watchdog, settings, earlier);
        java.util.Arrays.fill(w.executed, true);
        w.up = false;
        w.pos = w.plan.size() - 1;
        w.unwindCause = cause;
        return w;
    }

    /**
     * The way forward only, for recovery: commit is never undone, so the commit steps a restart cut
     * off are run again ({@link Plan#rollingForward}); SUCCEEDED if they all succeed, else
     * COMMIT_FAILED by the commit rule. Each step is journaled as it ends, so a restart during this
     * walk leaves the journal saying which are still due.
     */
    static ChainWalk rollingForward(RequestRun run, List<StepRecord> earlier, Journal journal, Events events,
            Watchdog watchdog, Supplier<SequencerSettings> settings) {
        return new ChainWalk(run, journal, events, watchdog, settings, earlier);
    }

    // ------------------------------------------------------------------ the walk

    /** Walks from where it stands to the request's end, up or down. */
    HotplugResult walk() {
        while (true) {
            if (up ? pos == plan.size() : pos < 0) {
                return up ? result(Outcome.SUCCEEDED, null) : unwound();
            }
            HotplugResult end = up ? stepUp(pos) : stepDown(pos);
            if (end != null) {
                return end;
            }
            pos += up ? 1 : -1;
        }
    }

    private HotplugResult stepUp(int at) {
        PhaseRule rule = plan.rules[at];
        RegisteredHandler h = plan.handlers[at];
        if (h == null) {
            return enter(rule);
        }
        if (!h.caresAbout(run.deviceTypes())) {
            return null;
        }
        Call c = invoke(h, rule.phase);
        if (!c.failed()) {
            executed[at] = rule == PhaseRule.EXECUTE && c.status == StepRecord.Status.OK;
            return null;
        }
        if (rule.forceable && c.error.overridable() && forceHonoured(c)) {
            steps.set(steps.size() - 1, c.overridden());
            LOG.warn("overridable veto of {} skipped by force: {}", h.name(), c.error);
            return null;
        }
        return failed(rule, c.error);
    }

    private HotplugResult stepDown(int at) {
        if (executed[at]) {
            Call c = invoke(plan.handlers[at], Phase.ROLLBACK);
            if (c.failed()) {
                return failed(plan.rules[at], c.error);
            }
        }
        return null;
    }

    /** What a failed step does, by its phase's rule; null when the walk goes on (down). */
    private HotplugResult failed(PhaseRule rule, HotplugError error) {
        if (!up) {
            // Every undo is tried even when one fails; the first failure is the one reported.
            if (firstRollbackError == null) {
                firstRollbackError = error;
            }
            return null;
        }
        switch (rule.onFailure) {
            case UNWIND:
                up = false;
                unwindCause = error;
                return null;
            case REJECT:
                return result(Outcome.REJECTED, vetoError(error));
            default:
                return result(rule.onFailure.outcome, error);
        }
    }

    /** A phase begins: journal it, and check what must hold before the system is changed. */
    private HotplugResult enter(PhaseRule rule) {
        if (rule == PhaseRule.EXECUTE) {
            if (run.request.dryRun()) {
                return result(Outcome.DRY_RUN, null);
            }
            HotplugError refusal = refusalBeforeExecute();
            if (refusal != null) {
                return result(Outcome.REJECTED, refusal);
            }
        }
        if (journal != null) {
            journal.phase(run.request.id(), rule.phase, run.devices(), rule == PhaseRule.COMMIT
                    ? plan.names(PhaseRule.COMMIT, h -> h.caresAbout(run.deviceTypes())) : List.of());
        }
        return null;
    }

    /**
     * Null when execute may start. Otherwise why not: nobody would carry it out (the bundle that
     * executes these devices is absent or quarantined: SUCCEEDED would claim a change that never
     * happened), or a handler it needs has too many threads stuck in calls that never returned.
     */
    private HotplugError refusalBeforeExecute() {
        boolean carried = false;
        int cap = settings.get().maxStuckThreads();
        for (int i = 0; i < plan.size(); i++) {
            RegisteredHandler h = plan.handlers[i];
            if (h == null || plan.rules[i] == PhaseRule.VALIDATE || !h.caresAbout(run.deviceTypes())) {
                continue;
            }
            if (h.stuckThreads() >= cap && h.quarantineReason() == null) {
                return stuckError(h, cap);
            }
            carried |= h.quarantineReason() == null;
        }
        if (carried) {
            return null;
        }
        return new HotplugError(null, null, Errno.EOPNOTSUPP, false,
                "no execute or commit handler takes part in " + run.request.operation().word() + " of "
                + run.deviceTypes() + " devices, so nothing would change: is the bundle that handles them"
                + " installed and its handlers out of quarantine? (hotplug:handlers shows the chain)");
    }

    /**
     * The rest of the request after the call in {@code f} overran, on a replacement worker: the
     * step fails with ETIMEDOUT and the walk goes on exactly as for any failure of that step.
     */
    HotplugResult afterOverrun(Watchdog.InFlight f, Duration took, HotplugError error) {
        f.context.close();
        f.handler.countFailure();
        record(new Call(f.handler, f.phase, f.devices, StepRecord.Status.FAILED, took, error, false));
        HotplugResult end = failed(plan.rules[pos], error);
        if (end != null) {
            return end;
        }
        pos += up ? 1 : -1;
        return walk();
    }

    private boolean forceHonoured(Call c) {
        // The engine's own veto for a quarantined handler yields to force in every operation: the
        // operator vouches for what the handler could not check. A handler's veto only in tear-down.
        return run.request.force() && (c.quarantineVeto || !run.request.operation().isBringUp());
    }

    private HotplugError vetoError(HotplugError e) {
        if (e.overridable() && run.request.force()) {
            return new HotplugError(e.handler(), e.device(), e.errno(), true, e.message()
                    + " (force is honoured for remove and offline only)");
        }
        return e;
    }

    private HotplugResult unwound() {
        HotplugError cause = unwindCause;
        if (firstRollbackError == null) {
            return result(Outcome.ROLLED_BACK, cause);
        }
        return result(Outcome.ROLLBACK_FAILED, new HotplugError(firstRollbackError.handler(),
                firstRollbackError.device(), firstRollbackError.errno(), false,
                "rollback failed, the system may be in between: " + firstRollbackError.message()
                        + " (the request had failed" + (cause.handler() == null ? "" : " in " + cause.handler())
                        + ": " + cause.message() + ")"));
    }

    private HotplugResult result(Outcome outcome, HotplugError error) {
        return new HotplugResult(run.request, outcome, run.devices(), steps, error, run.started, Instant.now(),
                settings.get().machine());
    }

    // ------------------------------------------------------------------ one handler call

    /**
     * Calls one handler on this thread under the watchdog and records the step. A handler that may
     * not be called is recorded without a call: quarantined (a veto in validate, skipped elsewhere)
     * or with too many threads already stuck in it.
     *
     * @throws Watchdog.Abandoned when the call overran and a replacement worker owns the request now
     */
    private Call invoke(RegisteredHandler h, Phase stepPhase) {
        run.phase = stepPhase;
        List<DeviceRef> devices = run.devices();
        Call refused = refusal(h, stepPhase, devices);
        if (refused != null) {
            return record(refused);
        }
        Duration deadline = run.callDeadline;
        long t0 = System.nanoTime();
        StepContext context = StepContext.forCall(run, h, stepPhase, Instant.now().plus(deadline), events, journal);
        h.countCall();
        Watchdog.InFlight f = new Watchdog.InFlight(this, h, stepPhase, devices, context, deadline, t0);
        Throwable thrown = null;
        IN_HANDLER_CALL.set(Boolean.TRUE);
        watchdog.watch(f);
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
            // Not remove(): on JDK 17 that clears a weak reference natively, a fifth of a no-op call's cost.
            IN_HANDLER_CALL.set(Boolean.FALSE);
        }
        if (!watchdog.returned(f)) {
            // The watchdog declared the overrun first and a replacement carries on.
            h.countUnstuck();
            throw Watchdog.Abandoned.INSTANCE;
        }
        // A handler may leave the interrupt flag set (restoring it after an InterruptedException):
        // on the worker it would close the journal's channel at its next write.
        if (Thread.interrupted()) {
            LOG.debug("handler {} left the worker interrupted; cleared", h.name());
        }
        context.close();
        HotplugError error = thrown == null ? null : errorOf(h, thrown);
        if (error != null) {
            h.countFailure();
        }
        return record(new Call(h, stepPhase, devices, error == null ? StepRecord.Status.OK : StepRecord.Status.FAILED,
                Duration.ofNanos(System.nanoTime() - t0), error, false));
    }

    /** The step of a handler that must not be called, or null when it may be. */
    private Call refusal(RegisteredHandler h, Phase stepPhase, List<DeviceRef> devices) {
        String reason = h.quarantineReason();
        if (reason != null && stepPhase == Phase.VALIDATE) {
            // Fail closed: a validate handler that cannot answer has not said yes.
            return new Call(h, stepPhase, devices, StepRecord.Status.FAILED, Duration.ZERO,
                    new HotplugError(h.name(), null, Errno.EBUSY, true, "handler " + h.name()
                            + " is quarantined (" + reason + "), so its veto stands for "
                            + run.request.operation().word() + " of " + run.deviceTypes()
                            + " devices; --force overrides it"), true);
        }
        if (reason != null) {
            return new Call(h, stepPhase, devices, StepRecord.Status.SKIPPED, Duration.ZERO,
                    new HotplugError(h.name(), null, null, false, "skipped: handler " + h.name()
                            + " is quarantined (" + reason + ")"), false);
        }
        int cap = settings.get().maxStuckThreads();
        if (h.stuckThreads() >= cap) {
            return new Call(h, stepPhase, devices, StepRecord.Status.FAILED, Duration.ZERO, stuckError(h, cap), false);
        }
        return null;
    }

    private static HotplugError stuckError(RegisteredHandler h, int cap) {
        return new HotplugError(h.name(), null, Errno.EAGAIN, false, "handler " + h.name() + " has "
                + h.stuckThreads() + " threads stuck in calls that never returned (cap maxStuckThreads=" + cap
                + "); not calling it again until they return or the runtime restarts");
    }

    private Call record(Call c) {
        steps.add(c.record());
        if (journal != null) {
            String id = run.request.id();
            if (c.phase == Phase.EXECUTE && c.status == StepRecord.Status.OK) {
                journal.attributes(id, c.handler.name(), run.attributes(c.handler));
            }
            journal.step(id, c.record());
        }
        if (c.status == StepRecord.Status.SKIPPED || c.quarantineVeto) {
            LOG.warn("{} {}: {}", c.phase.word(), c.handler.name(), c.error.message());
        } else if (settings.get().trace()) {
            LOG.info("step {} {} {} {} in {} ms{}", c.phase.word(), c.handler.name(), c.handler.bundle(), c.status,
                    c.took.toMillis(), c.error == null ? "" : ": " + c.error);
        } else if (LOG.isDebugEnabled()) {
            LOG.debug("step {} {} {} in {} ms{}", c.phase.word(), c.handler.name(), c.status,
                    c.took.toMillis(), c.error == null ? "" : ": " + c.error);
        }
        return c;
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

    /** The outcome of one handler call (or of its refusal). */
    private static final class Call {
        final RegisteredHandler handler;
        final Phase phase;
        final List<DeviceRef> devices;
        final StepRecord.Status status;
        final Duration took;
        final HotplugError error;
        /** The veto stands for a quarantined validate handler that was not called. */
        final boolean quarantineVeto;

        Call(RegisteredHandler handler, Phase phase, List<DeviceRef> devices, StepRecord.Status status, Duration took,
                HotplugError error, boolean quarantineVeto) {
            this.handler = handler;
            this.phase = phase;
            this.devices = devices;
            this.status = status;
            this.took = took;
            this.error = error;
            this.quarantineVeto = quarantineVeto;
        }

        boolean failed() {
            return status == StepRecord.Status.FAILED;
        }

        StepRecord record() {
            return new StepRecord(handler.name(), handler.bundle(), phase, devices, took, status, error);
        }

        StepRecord overridden() {
            HotplugError e = quarantineVeto ? new HotplugError(error.handler(), error.device(), error.errno(), true,
                    error.message().replace("; --force overrides it", "") + "; overridden by --force")
                    : error;
            return new StepRecord(handler.name(), handler.bundle(), phase, devices, took,
                    StepRecord.Status.OVERRIDDEN, e);
        }
    }
}
