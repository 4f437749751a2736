package org.syshotplug.platform.internal.sim;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;

/**
 * A Multiple APIC Description Table (ACPI 6.5 section 5.2.12) as firmware would hand it over at
 * boot: a Local APIC entry per CPU slot (Enabled for present CPUs, Online Capable for empty
 * hot-plug slots), x2APIC entries for APIC ids 255 and up, and one I/O APIC.
 */
public final class Madt {

    static final int HEADER_LENGTH = 36;
    static final int LOCAL_APIC = 0;
    static final int IO_APIC = 1;
    static final int LOCAL_X2APIC = 9;
    static final int ENABLED = 1;
    static final int ONLINE_CAPABLE = 2;
    static final long LOCAL_APIC_ADDRESS = 0xFEE00000L;
    static final long IO_APIC_ADDRESS = 0xFEC00000L;

    private Madt() {
    }

    /** The table for {@code possible} CPU slots of which {@code present} are populated. */
    public static byte[] build(int possible, BitSet present) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int cpu = 0; cpu < possible; cpu++) {
            int flags = present.get(cpu) ? ENABLED : ONLINE_CAPABLE;
            // APIC id 0xFF is the broadcast id: CPUs from 255 up need x2APIC entries.
            if (cpu < 255) {
                body.writeBytes(le(8).put((byte) LOCAL_APIC).put((byte) 8).put((byte) cpu).put((byte) cpu)
                        .putInt(flags).array());
            } else {
                body.writeBytes(le(16).put((byte) LOCAL_X2APIC).put((byte) 16).putShort((short) 0).putInt(cpu)
                        .putInt(flags).putInt(cpu).array());
            }
        }
        int ioApicId = Math.min(possible, 254);
        body.writeBytes(le(12).put((byte) IO_APIC).put((byte) 12).put((byte) ioApicId).put((byte) 0)
                .putInt((int) IO_APIC_ADDRESS).putInt(0).array());
        byte[] entries = body.toByteArray();
        int length = HEADER_LENGTH + 8 + entries.length;
        ByteBuffer t = le(length);
        t.put(SimulatedMachine.ascii("APIC")).putInt(length).put((byte) 5).put((byte) 0)
                .put(SimulatedMachine.ascii("SYSHP ")).put(SimulatedMachine.ascii("SIMMADT "))
                .putInt(1).put(SimulatedMachine.ascii("SHPL")).putInt(1)
                .putInt((int) LOCAL_APIC_ADDRESS).putInt(1) // flags: PCAT_COMPAT (dual 8259s present)
                .put(entries);
        byte[] table = t.array();
        table[9] = checksum(table);
        return table;
    }

    /** The byte that makes the whole table sum to zero (mod 256). */
    static byte checksum(byte[] table) {
        int sum = 0;
        for (int i = 0; i < table.length; i++) {
            if (i != 9) {
                sum += table[i] & 0xFF;
            }
        }
        return (byte) (-sum);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
