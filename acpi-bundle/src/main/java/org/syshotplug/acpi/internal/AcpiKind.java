package org.syshotplug.acpi.internal;

import java.util.Set;

/**
 * The classes of ACPI device objects that matter for system-device hot-plug, by hardware id, with
 * the name of the kernel's hot-plug profile ({@code /sys/firmware/acpi/hotplug/<profile>/enabled})
 * that governs each: drivers/acpi/acpi_processor.c ({@code processor}),
 * drivers/acpi/acpi_memhotplug.c ({@code memory}), drivers/acpi/container.c ({@code container}).
 */
public enum AcpiKind {
    PROCESSOR("processor", Set.of("ACPI0007", "LNXCPU")),
    MEMORY("memory", Set.of("PNP0C80")),
    CONTAINER("container", Set.of("ACPI0004", "PNP0A05", "PNP0A06")),
    OTHER(null, Set.of());

    private final String profile;
    private final Set<String> hids;

    AcpiKind(String profile, Set<String> hids) {
        this.profile = profile;
        this.hids = hids;
    }

    /** The hot-plug profile name, or null for objects no profile governs. */
    public String profile() {
        return profile;
    }

    public static AcpiKind of(String hid) {
        if (hid != null) {
            for (AcpiKind k : values()) {
                if (k.hids.contains(hid)) {
                    return k;
                }
            }
        }
        return OTHER;
    }

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
