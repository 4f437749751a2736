package org.syshotplug.memory.internal;

import java.util.Locale;

/**
 * How an {@code add} onlines blocks that just arrived (a DIMM, an ACPI memory device) when the request
 * names no zone. A block onlined with plain {@code online} outside the Movable zone lands in ZONE_NORMAL,
 * the kernel puts slab pages there at once, and the DIMM can never be offlined again (EBUSY); onlined
 * with {@code online_movable} it stays removable.
 */
enum HotAddZone {
    /** {@code online_movable}: the DIMM stays removable. */
    MOVABLE,
    /** {@code online_kernel}: usable for kernel allocations, which usually pins it. */
    KERNEL,
    /** As a plain online request: the configured {@code defaultOnlineZone}. */
    DEFAULT;

    static HotAddZone parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "movable", "online_movable" -> MOVABLE;
            case "kernel", "online_kernel", "normal" -> KERNEL;
            case "default", "" -> DEFAULT;
            default -> throw new IllegalArgumentException("invalid hotAddZone '" + MemorySize.printable(t)
                    + "': expected movable, kernel or default");
        };
    }

    String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
