package org.syshotplug.acpi.internal;

/**
 * A processor the MADT declares: one Local APIC or Local x2APIC entry.
 *
 * @param apicId        the (x2)APIC id, which Linux maps to a CPU number
 * @param processorUid  the ACPI processor UID that ties the entry to a processor object's {@code _UID}
 * @param x2Apic        true for a type 9 entry
 * @param enabled       flag bit 0: usable now
 * @param onlineCapable flag bit 1 (ACPI 6.3+): disabled now, may be enabled later
 * @param usable        whether Linux counts it as a possible CPU: enabled, or hot-pluggable by the rule of
 *                      arch/x86/kernel/acpi/boot.c {@code acpi_is_processor_usable()} (before MADT revision 5
 *                      every disabled entry is a hot-plug slot, from revision 5 only the online-capable ones)
 */
public record CpuSlot(long apicId, long processorUid, boolean x2Apic, boolean enabled, boolean onlineCapable,
        boolean usable, int offset) {

    /** {@code enabled}, {@code hot-pluggable} (may be brought online later) or {@code unusable}. */
    public String state() {
        if (enabled) {
            return "enabled";
        }
        return usable ? "hot-pluggable" : "unusable";
    }
}
