package org.syshotplug.rtas.internal.dlpar;

import java.util.Optional;

/**
 * The resource byte of a pseries hot-plug error log ({@code PSERIES_HP_ELOG_RESOURCE_*} in the
 * kernel's {@code asm/rtas.h}). Only {@link #CPU}, {@link #MEMORY} and, on kernels from the v6.12
 * cycle on, {@link #DT} have a word in the {@code /sys/kernel/dlpar} grammar; the others reach the
 * kernel only as firmware events.
 */
public enum DlparResource {
    CPU(1, "cpu"),
    MEMORY(2, "memory"),
    SLOT(3, null),
    PHB(4, null),
    /** QEMU's {@code RTAS_LOG_V6_HP_TYPE_PCI}; Linux has no define for 5. */
    PCI(5, null),
    PMEM(6, null),
    /** Linux-internal, sysfs only: device-tree update for I/O DLPAR. */
    DT(7, "dt");

    private final int code;
    private final String word;

    DlparResource(int code, String word) {
        this.code = code;
        this.word = word;
    }

    public int code() {
        return code;
    }

    /** The word of the sysfs grammar, or null when the kernel's parser has none. */
    public String word() {
        return word;
    }

    /** The name used in messages: the grammar word, else the lower-case constant name. */
    public String label() {
        return word != null ? word : name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<DlparResource> ofCode(int code) {
        for (DlparResource r : values()) {
            if (r.code == code) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
