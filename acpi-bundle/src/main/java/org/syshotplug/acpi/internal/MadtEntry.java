package org.syshotplug.acpi.internal;

/**
 * One Interrupt Controller Structure of the MADT (ACPI 6.5, 5.2.12). Each entry keeps the offset
 * it was read from so a listing can point into a hex dump.
 */
public sealed interface MadtEntry {

    /** Local (x2)APIC flags, ACPI 6.5 table 5.23. */
    int ENABLED = 1;
    int ONLINE_CAPABLE = 2;

    int type();

    int offset();

    int length();

    /** A short name for listings ({@code LAPIC}, {@code X2APIC}, {@code IOAPIC}, ...). */
    String kind();

    /** Type 0: a processor with an 8-bit APIC id. */
    record LocalApic(int offset, int length, int processorUid, int apicId, long flags) implements MadtEntry {
        public int type() {
            return 0;
        }

        public String kind() {
            return "LAPIC";
        }
    }

    /** Type 1. */
    record IoApic(int offset, int length, int ioApicId, long address, long gsiBase) implements MadtEntry {
        public int type() {
            return 1;
        }

        public String kind() {
            return "IOAPIC";
        }
    }

    /** Type 2: an ISA interrupt routed to another global system interrupt. */
    record InterruptSourceOverride(int offset, int length, int bus, int source, long gsi, int flags) implements MadtEntry {
        public int type() {
            return 2;
        }

        public String kind() {
            return "INT-OVERRIDE";
        }
    }

    /** Type 3. */
    record NmiSource(int offset, int length, int flags, long gsi) implements MadtEntry {
        public int type() {
            return 3;
        }

        public String kind() {
            return "NMI-SOURCE";
        }
    }

    /** Type 4: processor UID 0xFF means every processor. */
    record LocalApicNmi(int offset, int length, int processorUid, int flags, int lint) implements MadtEntry {
        public int type() {
            return 4;
        }

        public String kind() {
            return "LAPIC-NMI";
        }
    }

    /** Type 5: replaces the 32-bit local APIC address of the table header. */
    record LocalApicAddressOverride(int offset, int length, long address) implements MadtEntry {
        public int type() {
            return 5;
        }

        public String kind() {
            return "LAPIC-ADDR";
        }
    }

    /** Type 9: a processor with a 32-bit x2APIC id (APIC ids of 255 and above). */
    record LocalX2Apic(int offset, int length, long x2ApicId, long flags, long processorUid) implements MadtEntry {
        public int type() {
            return 9;
        }

        public String kind() {
            return "X2APIC";
        }
    }

    /** Type 10; processor UID 0xFFFFFFFF means every processor. */
    record LocalX2ApicNmi(int offset, int length, int flags, long processorUid, int lint) implements MadtEntry {
        public int type() {
            return 10;
        }

        public String kind() {
            return "X2APIC-NMI";
        }
    }

    /** Any other type: kept (the spec adds types over time) but not decoded. */
    record Other(int offset, int type, int length) implements MadtEntry {
        public String kind() {
            return "TYPE-" + type;
        }
    }
}
