package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A decoded Multiple APIC Description Table: the 36-byte SDT header, the local APIC address and
 * flags, and the interrupt controller structures in table order.
 *
 * @param length        the table's own length field (bytes decoded)
 * @param checksumSum   the byte sum of the whole table modulo 256; 0 for a correct checksum
 * @param trailingBytes bytes read beyond the table's own length (ignored, never decoded)
 */
public record Madt(int length, int revision, int checksum, String oemId, String oemTableId, long oemRevision,
        String creatorId, long creatorRevision, long localApicAddress, long flags, List<MadtEntry> entries,
        int checksumSum, int trailingBytes) {

    /** Flag bit 0: the system also has dual 8259 PICs (PC-AT compatible). */
    public static final int PCAT_COMPAT = 1;

    public Madt {
        entries = List.copyOf(entries);
    }

    /** ACPI requires all bytes of a table to sum to zero; the kernel only warns when they do not. */
    public boolean checksumValid() {
        return checksumSum == 0;
    }

    /**
     * Every processor entry, Local APIC and Local x2APIC, in table order, except the ones Linux ignores
     * as invalid (APIC id 0xFF, x2APIC id 0xFFFFFFFF).
     */
    public List<CpuSlot> cpuSlots() {
        // ACPI 6.3 added Online Capable together with MADT revision 5; older tables mark hot-plug slots
        // only by leaving Enabled clear.
        boolean onlineCapableDefined = revision >= 5;
        List<CpuSlot> slots = new ArrayList<>();
        for (MadtEntry e : entries) {
            if (e instanceof MadtEntry.LocalApic l && l.apicId() != 0xFF) {
                slots.add(slot(l.apicId(), l.processorUid(), false, l.flags(), onlineCapableDefined, l.offset()));
            } else if (e instanceof MadtEntry.LocalX2Apic x && x.x2ApicId() != 0xFFFF_FFFFL) {
                slots.add(slot(x.x2ApicId(), x.processorUid(), true, x.flags(), onlineCapableDefined, x.offset()));
            }
        }
        return slots;
    }

    /** The CPU slots that are enabled now. */
    public List<CpuSlot> enabledCpus() {
        return cpuSlots().stream().filter(CpuSlot::enabled).toList();
    }

    /** The CPU slots that are disabled now but may be brought online later. */
    public List<CpuSlot> hotPluggableCpus() {
        return cpuSlots().stream().filter(s -> !s.enabled() && s.usable()).toList();
    }

    public List<MadtEntry.IoApic> ioApics() {
        return entries.stream().filter(MadtEntry.IoApic.class::isInstance).map(MadtEntry.IoApic.class::cast).toList();
    }

    private static CpuSlot slot(long apicId, long uid, boolean x2, long flags, boolean onlineCapableDefined, int offset) {
        boolean enabled = (flags & MadtEntry.ENABLED) != 0;
        boolean onlineCapable = onlineCapableDefined && (flags & MadtEntry.ONLINE_CAPABLE) != 0;
        boolean usable = enabled || !onlineCapableDefined || onlineCapable;
        return new CpuSlot(apicId, uid, x2, enabled, onlineCapable, usable, offset);
    }
}
