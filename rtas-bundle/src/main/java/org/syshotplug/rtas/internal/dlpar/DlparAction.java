package org.syshotplug.rtas.internal.dlpar;

import java.util.Locale;
import java.util.Optional;

import org.syshotplug.api.Operation;

/**
 * The action byte ({@code PSERIES_HP_ELOG_ACTION_*}). The historical {@code READD 3} was removed
 * from Linux in 2020 and there never were enable/disable actions, so two values are all there is.
 */
public enum DlparAction {
    ADD(1, Operation.ADD),
    REMOVE(2, Operation.REMOVE);

    private final int code;
    private final Operation operation;

    DlparAction(int code, Operation operation) {
        this.code = code;
        this.operation = operation;
    }

    public int code() {
        return code;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Operation operation() {
        return operation;
    }

    public static Optional<DlparAction> ofCode(int code) {
        for (DlparAction a : values()) {
            if (a.code == code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public static Optional<DlparAction> of(Operation operation) {
        for (DlparAction a : values()) {
            if (a.operation == operation) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
