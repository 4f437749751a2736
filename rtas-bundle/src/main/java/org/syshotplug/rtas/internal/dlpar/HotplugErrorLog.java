package org.syshotplug.rtas.internal.dlpar;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.syshotplug.rtas.internal.devicetree.ByteCursor;
import org.syshotplug.rtas.internal.devicetree.MalformedDataException;

/**
 * Codec of the pseries hot-plug error log ({@code struct pseries_hp_errorlog}, asm/rtas-types.h;
 * QEMU's {@code struct rtas_event_log_v6_hp} without its section header):
 *
 * <pre>
 * off 0 u8 resource | 1 u8 action | 2 u8 id_type | 3 u8 reserved
 * off 4 BE u32 drc_index / drc_count / ic.count, off 8 BE u32 ic.index   (union of 8 bytes)
 * off 4 char drc_name[] NUL-terminated                                     (id_type DRC_NAME)
 * </pre>
 *
 * Ids are big-endian on the wire whatever the CPU ({@code cpu_to_be32} in {@code dlpar_store}).
 * {@link #decode(byte[])} takes the bare structure, the structure behind its 8-byte {@code "HP"}
 * section header, or a whole RTAS event log as {@code check-exception} returns it, and never reads
 * past the length it was given.
 */
public final class HotplugErrorLog {
    /** {@code PSERIES_ELOG_SECT_ID_HOTPLUG}: "HP". */
    public static final int SECTION_ID_HOTPLUG = 0x4850;
    /** {@code RTAS_TYPE_HOTPLUG}: the event type byte of the fixed header. */
    public static final int RTAS_TYPE_HOTPLUG = 0xE5;
    /** sizeof(struct pseries_hp_errorlog): 4 header bytes and an 8-byte union. */
    public static final int BODY_SIZE = 12;
    static final int SECTION_HEADER = 8;
    private static final int SECTION_ID_MAIN_A = 0x5048;
    private static final int SECTION_ID_MAIN_B = 0x5548;
    private static final int FIXED_HEADER = 8;
    private static final int V6_HEADER = 16;
    private static final int MAIN_A_LENGTH = 48;
    private static final int MAIN_B_LENGTH = 24;

    private HotplugErrorLog() {
    }

    /**
     * Decodes a hot-plug error log in any of its three wrappings.
     *
     * @throws MalformedDataException naming the offset of the first byte that does not fit
     */
    public static DlparCommand decode(byte[] data) {
        if (data.length >= FIXED_HEADER && data[0] == 6 && (data[3] & 0xff) == RTAS_TYPE_HOTPLUG) {
            return decodeEventLog(data);
        }
        if (data.length >= 2 && ((data[0] & 0xff) << 8 | (data[1] & 0xff)) == SECTION_ID_HOTPLUG) {
            return decodeSection(data, 0, data.length, "hot-plug section");
        }
        return decodeBody(data, 0, data.length, "hot-plug error log");
    }

    /** The 12-byte structure (longer for a DRC name), as the kernel's handlers receive it. */
    public static byte[] encodeBody(DlparCommand command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(BODY_SIZE);
        out.write(command.resource().code());
        out.write(command.action().code());
        out.write(command.idType().code());
        out.write(0);
        switch (command.idType()) {
            case DRC_INDEX -> {
                be32(out, command.index());
                be32(out, 0);
            }
            case DRC_COUNT -> {
                be32(out, command.count());
                be32(out, 0);
            }
            case DRC_INDEXED_COUNT -> {
                be32(out, command.count());
                be32(out, command.index());
            }
            case DRC_NAME -> {
                byte[] name = command.drcName().getBytes(StandardCharsets.US_ASCII);
                out.writeBytes(name);
                // NUL terminator, then zero padding to whole cells and at least the union's 8 bytes.
                int used = name.length + 1;
                int padded = Math.max(8, (used + 3) & ~3);
                out.writeBytes(new byte[padded - name.length]);
            }
            default -> throw new IllegalStateException();
        }
        return out.toByteArray();
    }

    /** The structure behind its {@code struct pseries_errorlog} header (id "HP", length, version 1). */
    public static byte[] encodeSection(DlparCommand command) {
        byte[] body = encodeBody(command);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        be16(out, SECTION_ID_HOTPLUG);
        be16(out, SECTION_HEADER + body.length);
        out.write(1);
        out.write(0);
        be16(out, 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /**
     * A whole RTAS event log laid out as QEMU's {@code spapr_hotplug_req_event} builds it: fixed header
     * (version 6, severity event, initiator hot-plug, type 0xE5), the v6 extended header, empty Main-A
     * and Main-B sections and the hot-plug section.
     */
    public static byte[] encodeEventLog(DlparCommand command) {
        byte[] section = encodeSection(command);
        int extended = V6_HEADER + MAIN_A_LENGTH + MAIN_B_LENGTH + section.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        be32(out, 0x063460E5L);
        be32(out, extended);
        out.write(0x86); // valid | new log | big-endian
        out.write(0);
        out.write(0x8E); // PowerPC format | platform event
        out.writeBytes(new byte[9]);
        be32(out, 0x49424D00L); // "IBM\0"
        mainSection(out, SECTION_ID_MAIN_A, MAIN_A_LENGTH);
        mainSection(out, SECTION_ID_MAIN_B, MAIN_B_LENGTH);
        out.writeBytes(section);
        return out.toByteArray();
    }

    private static void mainSection(ByteArrayOutputStream out, int id, int length) {
        be16(out, id);
        be16(out, length);
        out.write(1);
        out.write(0);
        be16(out, 0);
        out.writeBytes(new byte[length - SECTION_HEADER]);
    }

    private static DlparCommand decodeEventLog(byte[] data) {
        ByteCursor c = new ByteCursor(data, "RTAS event log");
        c.skip(4, "fixed header");
        long extended = c.u32();
        if (extended > c.remaining()) {
            throw c.fail("extended log length " + extended + " exceeds the " + c.remaining() + " bytes that follow");
        }
        int end = FIXED_HEADER + (int) extended;
        c = new ByteCursor(data, 0, end, "RTAS event log");
        c.seek(FIXED_HEADER, "extended log");
        c.skip(V6_HEADER, "v6 extended header");
        while (!c.atEnd()) {
            int at = c.offset();
            int id = c.u16();
            int length = c.u16();
            if (length < SECTION_HEADER || length > end - at) {
                throw new MalformedDataException("RTAS event log", at, "section 0x" + Integer.toHexString(id)
                        + " claims " + length + " bytes but " + (end - at) + " remain (a section is at least 8)");
            }
            if (id == SECTION_ID_HOTPLUG) {
                return decodeSection(data, at, at + length, "RTAS event log");
            }
            c.seek(at + length, "next section");
        }
        throw c.fail("no hot-plug (\"HP\") section in the event log");
    }

    private static DlparCommand decodeSection(byte[] data, int start, int end, String what) {
        ByteCursor c = new ByteCursor(data, start, end, what);
        c.u16();
        int length = c.u16();
        if (length < SECTION_HEADER + 4 || length > end - start) {
            throw new MalformedDataException(what, start + 2, "section length " + length + " is outside 12.."
                    + (end - start) + " (header and at least the 4 header bytes of the body)");
        }
        return decodeBody(data, start + SECTION_HEADER, start + length, what);
    }

    private static DlparCommand decodeBody(byte[] data, int start, int end, String what) {
        ByteCursor c = new ByteCursor(data, start, end, what);
        int offset = start;
        int resourceCode = c.u8();
        DlparResource resource = DlparResource.ofCode(resourceCode).orElseThrow(() -> new MalformedDataException(
                what, offset, "unknown resource " + resourceCode + " (expected 1 cpu, 2 memory, 3 slot, 4 phb, 5 pci, 6 pmem, 7 dt)"));
        int actionCode = c.u8();
        DlparAction action = DlparAction.ofCode(actionCode).orElseThrow(() -> new MalformedDataException(
                what, offset + 1, "unknown action " + actionCode + " (expected 1 add, 2 remove)"));
        int idCode = c.u8();
        DlparIdType idType = DlparIdType.ofCode(idCode).orElseThrow(() -> new MalformedDataException(
                what, offset + 2, "unknown id type " + idCode + " (expected 1 drc name, 2 drc index, 3 drc count, 4 indexed count)"));
        c.u8();
        return switch (idType) {
            case DRC_INDEX -> DlparCommand.byIndex(resource, action, c.u32());
            case DRC_COUNT -> DlparCommand.byCount(resource, action, c.u32());
            case DRC_INDEXED_COUNT -> {
                long count = c.u32();
                yield DlparCommand.byIndexedCount(resource, action, count, c.u32());
            }
            case DRC_NAME -> {
                int at = c.offset();
                String name = c.cstring("the DRC name");
                if (!DlparCommand.NAME.matcher(name).matches()) {
                    throw new MalformedDataException(what, at, "DRC name '" + DlparSyntaxException.printable(name)
                            + "' is not 1-64 printable letters, digits, space and . _ : -");
                }
                yield DlparCommand.byName(resource, action, name);
            }
        };
    }

    private static void be16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void be32(ByteArrayOutputStream out, long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
    }
}
