package org.syshotplug.acpi.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes {@code /sys/firmware/acpi/tables/APIC} (ACPI 6.5, 5.2.12). Every read is bounded by the
 * table's own length field, and that field is checked against the bytes actually read, so a
 * truncated table or one whose lengths lie is refused with the offset of the problem, never read
 * past. Subtables may be longer than their type requires (later spec revisions append fields), as
 * the kernel's {@code BAD_MADT_ENTRY} check allows, but never shorter.
 */
public final class MadtParser {

    static final int HEADER_LENGTH = 36;
    /** SDT header, then local APIC address (u32) and flags (u32). */
    static final int FIXED_LENGTH = HEADER_LENGTH + 8;

    private MadtParser() {
    }

    public static Madt parse(byte[] data) {
        if (data == null) {
            throw new MadtFormatException(0, "no table data");
        }
        if (data.length < FIXED_LENGTH) {
            throw new MadtFormatException(data.length, "table is " + data.length
                    + " bytes, shorter than the " + FIXED_LENGTH + "-byte MADT header");
        }
        String signature = ascii(data, 0, 4);
        if (!signature.equals("APIC")) {
            throw new MadtFormatException(0, "signature is '" + signature + "', expected 'APIC'");
        }
        long declared = u32(data, 4);
        if (declared < FIXED_LENGTH) {
            throw new MadtFormatException(4, "length field says " + declared
                    + " bytes, less than the " + FIXED_LENGTH + "-byte MADT header");
        }
        if (declared > data.length) {
            throw new MadtFormatException(data.length, "table truncated: length field at offset 4 says "
                    + declared + " bytes but only " + data.length + " were read");
        }
        int length = (int) declared;
        int sum = 0;
        for (int i = 0; i < length; i++) {
            sum += data[i] & 0xFF;
        }
        List<MadtEntry> entries = new ArrayList<>();
        int offset = FIXED_LENGTH;
        while (offset < length) {
            if (length - offset < 2) {
                throw new MadtFormatException(offset, "subtable header cut off: only " + (length - offset)
                        + " byte left before the table ends at offset " + length);
            }
            int type = u8(data, offset);
            int entryLength = u8(data, offset + 1);
            if (entryLength < 2) {
                throw new MadtFormatException(offset, "subtable of type " + type + " has length " + entryLength
                        + ", less than its own 2-byte header");
            }
            if (offset + entryLength > length) {
                throw new MadtFormatException(offset, "subtable of type " + type + " claims " + entryLength
                        + " bytes but the table ends at offset " + length);
            }
            entries.add(entry(data, offset, type, entryLength));
            offset += entryLength;
        }
        return new Madt(length, u8(data, 8), u8(data, 9), ascii(data, 10, 6), ascii(data, 16, 8), u32(data, 24),
                ascii(data, 28, 4), u32(data, 32), u32(data, 36), u32(data, 40), entries, sum & 0xFF,
                data.length - length);
    }

    private static MadtEntry entry(byte[] d, int o, int type, int len) {
        return switch (type) {
            case 0 -> {
                need(o, type, len, 8, "Local APIC");
                yield new MadtEntry.LocalApic(o, len, u8(d, o + 2), u8(d, o + 3), u32(d, o + 4));
            }
            case 1 -> {
                need(o, type, len, 12, "I/O APIC");
                yield new MadtEntry.IoApic(o, len, u8(d, o + 2), u32(d, o + 4), u32(d, o + 8));
            }
            case 2 -> {
                need(o, type, len, 10, "Interrupt Source Override");
                yield new MadtEntry.InterruptSourceOverride(o, len, u8(d, o + 2), u8(d, o + 3), u32(d, o + 4),
                        u16(d, o + 8));
            }
            case 3 -> {
                need(o, type, len, 8, "NMI Source");
                yield new MadtEntry.NmiSource(o, len, u16(d, o + 2), u32(d, o + 4));
            }
            case 4 -> {
                need(o, type, len, 6, "Local APIC NMI");
                yield new MadtEntry.LocalApicNmi(o, len, u8(d, o + 2), u16(d, o + 3), u8(d, o + 5));
            }
            case 5 -> {
                need(o, type, len, 12, "Local APIC Address Override");
                yield new MadtEntry.LocalApicAddressOverride(o, len, u32(d, o + 4) | (u32(d, o + 8) << 32));
            }
            case 9 -> {
                need(o, type, len, 16, "Local x2APIC");
                yield new MadtEntry.LocalX2Apic(o, len, u32(d, o + 4), u32(d, o + 8), u32(d, o + 12));
            }
            case 10 -> {
                need(o, type, len, 12, "Local x2APIC NMI");
                yield new MadtEntry.LocalX2ApicNmi(o, len, u16(d, o + 2), u32(d, o + 4), u8(d, o + 8));
            }
            default -> new MadtEntry.Other(o, type, len);
        };
    }

    private static void need(int offset, int type, int length, int required, String name) {
        if (length < required) {
            throw new MadtFormatException(offset, name + " subtable (type " + type + ") is " + length
                    + " bytes, the specification requires " + required);
        }
    }

    private static int u8(byte[] d, int o) {
        return d[o] & 0xFF;
    }

    private static int u16(byte[] d, int o) {
        return (d[o] & 0xFF) | (d[o + 1] & 0xFF) << 8;
    }

    private static long u32(byte[] d, int o) {
        return (d[o] & 0xFFL) | (d[o + 1] & 0xFFL) << 8 | (d[o + 2] & 0xFFL) << 16 | (d[o + 3] & 0xFFL) << 24;
    }

    private static String ascii(byte[] d, int o, int n) {
        int end = o + n;
        while (end > o && (d[end - 1] == 0 || d[end - 1] == ' ')) {
            end--;
        }
        // OEM fields are free-form bytes; a listing must never print control characters from firmware.
        return printable(new String(d, o, end - o, StandardCharsets.ISO_8859_1));
    }

    private static String printable(String s) {
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
