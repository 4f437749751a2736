package org.syshotplug.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a request does to its devices. */
public enum Operation {
    ADD(true), REMOVE(false), ONLINE(true), OFFLINE(false);

    private final boolean bringUp;

    Operation(boolean bringUp) {
        this.bringUp = bringUp;
    }

    /** True for add and online: the chain runs in ascending priority; tear-down runs the mirror image. */
    public boolean isBringUp() {
        return bringUp;
    }

    /** The word used in service properties, events and the shell ({@code add}, {@code remove}, ...). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code add|remove|online|offline}; the error names the bad token and what is allowed. */
    public static Operation parse(String word) {
        if (word != null) {
            for (Operation op : values()) {
                if (op.word().equals(word)) {
                    return op;
                }
            }
        }
        throw new IllegalArgumentException("unknown operation '" + DeviceRef.printable(word) + "': expected one of "
                + Arrays.stream(values()).map(Operation::word).collect(Collectors.joining(", ")));
    }
}
