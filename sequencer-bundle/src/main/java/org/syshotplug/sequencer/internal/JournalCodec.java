package org.syshotplug.sequencer.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.spi.UndoLog;

/**
 * The journal's line format: {@code seq TAB type TAB field... TAB crc32c LF}. The checksum (eight
 * lower-case hex digits) covers every byte before its tab; fields escape {@code %}, tab and control
 * characters as {@code %XX}, so a record is one line of printable UTF-8. Device lists and undo
 * entries are written as ranges, so a record about 1,000 CPUs is as long as one about 10.
 */
final class JournalCodec {

    /** Longest a record may be: a torn tail longer than this is junk, not a record cut by a crash. */
    static final int MAX_RECORD = 16 << 20;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JournalCodec() {
    }

    /** A record read back: its sequence number, type letter and unescaped fields (without seq and type). */
    record Parsed(long seq, String type, String[] fields, long offset, int length) {
        String field(int i) {
            return i < fields.length ? fields[i] : "";
        }
    }

    /** Why a line is not a record. */
    static final class Bad extends Exception {
        private static final long serialVersionUID = 1L;

        Bad(String why) {
            super(why, null, false, false);
        }
    }

    static byte[] line(long seq, String type, List<String> fields) {
        StringBuilder b = new StringBuilder(64);
        b.append(seq).append('\t').append(type);
        for (String f : fields) {
            b.append('\t');
            escape(b, f);
        }
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(body, 0, body.length);
        byte[] out = new byte[body.length + 10];
        System.arraycopy(body, 0, out, 0, body.length);
        out[body.length] = '\t';
        long v = crc.getValue();
        for (int i = 0; i < 8; i++) {
            out[body.length + 1 + i] = (byte) HEX[(int) (v >>> (28 - 4 * i)) & 0xf];
        }
        out[out.length - 1] = '\n';
        return out;
    }

    /** Parses the line {@code buf[from, to)} (without its line end). */
    static Parsed parse(byte[] buf, int from, int to) throws Bad {
        int lastTab = -1;
        for (int i = to - 1; i >= from; i--) {
            if (buf[i] == '\t') {
                lastTab = i;
                break;
            }
        }
        if (lastTab < 0 || to - lastTab != 9) {
            throw new Bad("no checksum at the end of the line");
        }
        long stated = 0;
        for (int i = lastTab + 1; i < to; i++) {
            int d = Character.digit(buf[i], 16);
            if (d < 0 || Character.isUpperCase(buf[i])) {
                throw new Bad("the checksum is not 8 hex digits");
            }
            stated = stated << 4 | d;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf, from, lastTab - from);
        if (crc.getValue() != stated) {
            throw new Bad("checksum mismatch");
        }
        String body = new String(buf, from, lastTab - from, StandardCharsets.UTF_8);
        String[] raw = body.split("\t", -1);
        if (raw.length < 2 || raw[1].length() != 1) {
            throw new Bad("no record type");
        }
        long seq;
        try {
            seq = Long.parseLong(raw[0]);
        } catch (NumberFormatException e) {
            throw new Bad("no sequence number");
        }
        String[] fields = new String[raw.length - 2];
        for (int i = 0; i < fields.length; i++) {
            fields[i] = unescape(raw[i + 2]);
        }
        return new Parsed(seq, raw[1], fields, from, to - from + 1);
    }

    static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' || c < 0x20 || c == 0x7f) {
                b.append('%').append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            } else {
                b.append(c);
            }
        }
    }

    static String unescape(String s) {
        int pct = s.indexOf('%');
        if (pct < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        b.append(s, 0, pct);
        for (int i = pct; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A byte range of the file as it may go into a log line: at most {@code max} characters,
     * printable ASCII only, everything else as {@code \xNN}, never a line break.
     */
    static String preview(byte[] buf, long from, int max) {
        StringBuilder b = new StringBuilder();
        int end = (int) Math.min(buf.length, from + max);
        for (int i = (int) from; i < end; i++) {
            int c = buf[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append((char) c);
            } else {
                b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        if (end < buf.length && buf[end] != '\n') {
            b.append("...");
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ devices as ranges

    /** {@code cpu:0..999,memory:12,acpi:ACPI0004:00}: runs of consecutive numeric ids of one type become ranges. */
    static String devices(List<DeviceRef> devices) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < devices.size()) {
            DeviceRef d = devices.get(i);
            int j = i + 1;
            if (d.isNumeric()) {
                long first = d.numericId();
                while (j < devices.size() && devices.get(j).type().equals(d.type()) && devices.get(j).isNumeric()
                        && devices.get(j).numericId() == first + (j - i)) {
                    j++;
                }
            }
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(d);
            if (j - i > 1) {
                // ".." never occurs in a device id, so a range cannot be mistaken for one.
                b.append("..").append(devices.get(j - 1).id());
            }
            i = j;
        }
        return b.toString();
    }

    static List<DeviceRef> parseDevices(String text) {
        List<DeviceRef> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        for (String item : text.split(",")) {
            int range = item.indexOf("..");
            if (range < 0) {
                out.add(DeviceRef.parse(item));
                continue;
            }
            DeviceRef first = DeviceRef.parse(item.substring(0, range));
            int last = Integer.parseInt(item.substring(range + 2));
            if (!first.isNumeric() || last < first.numericId() || last - first.numericId() > 1 << 20) {
                throw new IllegalArgumentException("bad device range " + item);
            }
            for (int id = first.numericId(); id <= last; id++) {
                out.add(DeviceRef.of(first.type(), Integer.toString(id)));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ undo entries as ranges

    /**
     * Planned undo entries as groups of four fields: path, value, undo, count. A group stands for
     * {@code count} entries whose paths differ only in their last number, counting up by one
     * ({@code cpu1/online}, {@code cpu2/online}, ...), with the same value and undo.
     */
    static List<String> undoGroups(List<UndoLog.Entry> entries) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < entries.size()) {
            UndoLog.Entry e = entries.get(i);
            int j = i + 1;
            String expect = next(e.path());
            while (j < entries.size() && expect != null && entries.get(j).path().equals(expect)
                    && entries.get(j).value().equals(e.value()) && entries.get(j).undo().equals(e.undo())) {
                expect = next(expect);
                j++;
            }
            out.add(e.path());
            out.add(e.value());
            out.add(e.undo());
            out.add(Integer.toString(j - i));
            i = j;
        }
        return out;
    }

    static List<UndoLog.Entry> parseUndoGroups(String[] f, int from) {
        List<UndoLog.Entry> out = new ArrayList<>();
        for (int i = from; i + 3 < f.length; i += 4) {
            int count = Integer.parseInt(f[i + 3]);
            if (count < 1 || count > 1 << 24) {
                throw new IllegalArgumentException("bad undo group count " + count);
            }
            String path = f[i];
            for (int k = 0; k < count; k++) {
                out.add(new UndoLog.Entry(path, f[i + 1], f[i + 2], UndoLog.State.PLANNED));
                if (k + 1 < count) {
                    path = next(path);
                    if (path == null) {
                        throw new IllegalArgumentException("undo group of " + count + " on a path without a number");
                    }
                }
            }
        }
        return out;
    }

    /** The path with its last decimal number plus one, or null if it has none (or one with a leading zero). */
    static String next(String path) {
        int end = path.length();
        while (end > 0 && !Character.isDigit(path.charAt(end - 1))) {
            end--;
        }
        int start = end;
        while (start > 0 && Character.isDigit(path.charAt(start - 1))) {
            start--;
        }
        if (start == end || end - start > 9 || (path.charAt(start) == '0' && end - start > 1)) {
            return null;
        }
        long n = Long.parseLong(path.substring(start, end)) + 1;
        return path.substring(0, start) + n + path.substring(end);
    }
}
