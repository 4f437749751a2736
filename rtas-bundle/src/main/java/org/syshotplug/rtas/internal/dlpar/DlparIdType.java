package org.syshotplug.rtas.internal.dlpar;

import java.util.Optional;

/** The id-type byte ({@code PSERIES_HP_ELOG_ID_*}) and its word in the sysfs grammar. */
public enum DlparIdType {
    /** Not in the kernel's sysfs grammar; our extension spells it {@code drc-name}. */
    DRC_NAME(1, "drc-name"),
    DRC_INDEX(2, "index"),
    DRC_COUNT(3, "count"),
    /** Count first, then the first DRC index of the range, as in {@code _drc_u.ic}. */
    DRC_INDEXED_COUNT(4, "indexed-count");

    private final int code;
    private final String word;

    DlparIdType(int code, String word) {
        this.code = code;
        this.word = word;
    }

    public int code() {
        return code;
    }

    public String word() {
        return word;
    }

    public static Optional<DlparIdType> ofCode(int code) {
        for (DlparIdType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
