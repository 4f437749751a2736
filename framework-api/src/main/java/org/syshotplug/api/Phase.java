package org.syshotplug.api;

import java.util.Locale;

/** The phases a request passes through; {@link #ROLLBACK} appears only in step records. */
public enum Phase {
    /** No change to the system; a handler may veto. Always runs in ascending priority. */
    VALIDATE,
    /** Reversible change; a failure rolls back every executed step in reverse. */
    EXECUTE,
    /** Irreversible change (eject, DRC release); failures are reported, never rolled back. */
    COMMIT,
    /** Undo of an executed step. */
    ROLLBACK;

    /** The word used in the {@code hotplug.phase} service property. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@code hotplug.phase} value; only validate, execute and commit are handler phases. */
    public static Phase parseHandlerPhase(String word) {
        for (Phase p : new Phase[] {VALIDATE, EXECUTE, COMMIT}) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown hotplug.phase '" + word + "': expected validate, execute or commit");
    }
}
