package org.syshotplug.sequencer.internal;

import java.util.ArrayList;
import java.util.List;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;

/**
 * The rules of each phase in one table, as {@code kernel/cpu.c} keeps its hot-plug states: the
 * walk reads them, it does not restate them. The order of the constants is the order of the walk.
 */
enum PhaseRule {

    // Validate always ascends: resource handlers must resolve targets before device handlers look.
    // Nothing validate does needs undoing, so its failure rejects the request.
    VALIDATE(Phase.VALIDATE, Order.ASCENDING, OnFailure.REJECT, true),
    // Execute changes the system: a failure walks back over what ran, in exact reverse.
    EXECUTE(Phase.EXECUTE, Order.BY_OPERATION, OnFailure.UNWIND, false),
    // What commit did cannot be undone, and later commit steps build on this one.
    COMMIT(Phase.COMMIT, Order.BY_OPERATION, OnFailure.COMMIT_FAILED, false);

    /** How a phase's handlers are ordered. */
    enum Order {
        /** Priority ascending whatever the operation. */
        ASCENDING,
        /** Ascending for add/online, descending for remove/offline. */
        BY_OPERATION
    }

    /** What a failed step of the phase does to the request. */
    enum OnFailure {
        /** The request ends REJECTED; nothing ran that needs undoing. */
        REJECT(Outcome.REJECTED),
        /** The walk turns round and rolls back every executed step; ROLLED_BACK or ROLLBACK_FAILED. */
        UNWIND(Outcome.ROLLED_BACK),
        /** The request ends COMMIT_FAILED at once; nothing is rolled back. */
        COMMIT_FAILED(Outcome.COMMIT_FAILED);

        final Outcome outcome;

        OnFailure(Outcome outcome) {
            this.outcome = outcome;
        }
    }

    final Phase phase;
    final Order order;
    final OnFailure onFailure;
    /** Whether {@code force} may turn an overridable failure of this phase (a veto) into OVERRIDDEN. */
    final boolean forceable;

    PhaseRule(Phase phase, Order order, OnFailure onFailure, boolean forceable) {
        this.phase = phase;
        this.order = order;
        this.onFailure = onFailure;
        this.forceable = forceable;
    }

    boolean ascending(Operation operation) {
        return order == Order.ASCENDING || operation.isBringUp();
    }

    /** The handlers of this phase in {@code chain}, in the order this phase calls them for {@code operation}. */
    List<RegisteredHandler> handlers(List<RegisteredHandler> chain, Operation operation) {
        List<RegisteredHandler> out = new ArrayList<>();
        for (RegisteredHandler h : chain) {
            if (h.phase() == phase) {
                out.add(h);
            }
        }
        out.sort(ascending(operation) ? RegisteredHandler.BRING_UP : RegisteredHandler.TEAR_DOWN);
        return out;
    }

    static PhaseRule of(Phase phase) {
        for (PhaseRule r : values()) {
            if (r.phase == phase) {
                return r;
            }
        }
        throw new IllegalArgumentException("no walk rule for phase " + phase);
    }
}
