package org.syshotplug.rtas.internal.devicetree;

import java.nio.charset.StandardCharsets;

/**
 * Reads big-endian firmware data (device-tree properties are big-endian whatever the CPU) without
 * ever looking past the end it was given: every read checks first and names the offset when the
 * data is too short.
 */
public final class ByteCursor {
    private final byte[] data;
    private final int end;
    private final int base;
    private final String what;
    private int position;

    /** A cursor over {@code data[start, end)}; offsets in messages are relative to {@code start}. */
    public ByteCursor(byte[] data, int start, int end, String what) {
        if (start < 0 || end > data.length || start > end) {
            throw new IllegalArgumentException("range [" + start + ", " + end + ") outside " + data.length + " bytes");
        }
        this.data = data;
        this.base = start;
        this.position = start;
        this.end = end;
        this.what = what;
    }

    public ByteCursor(byte[] data, String what) {
        this(data, 0, data.length, what);
    }

    /** Position relative to the start of this cursor's range. */
    public int offset() {
        return position - base;
    }

    public int remaining() {
        return end - position;
    }

    public boolean atEnd() {
        return position == end;
    }

    public int u8() {
        need(1, "a byte");
        return data[position++] & 0xff;
    }

    public int u16() {
        need(2, "a 16-bit value");
        int v = ((data[position] & 0xff) << 8) | (data[position + 1] & 0xff);
        position += 2;
        return v;
    }

    /** An unsigned 32-bit cell. */
    public long u32() {
        need(4, "a 32-bit cell");
        long v = ((long) (data[position] & 0xff) << 24) | ((data[position + 1] & 0xff) << 16)
                | ((data[position + 2] & 0xff) << 8) | (data[position + 3] & 0xff);
        position += 4;
        return v;
    }

    /** Two cells as one 64-bit value (addresses and sizes with {@code #address-cells = 2}). */
    public long u64() {
        need(8, "a 64-bit value (two cells)");
        long hi = u32();
        return (hi << 32) | u32();
    }

    /** A NUL-terminated string; the NUL must lie inside the range. */
    public String cstring(String field) {
        int start = position;
        int nul = start;
        while (nul < end && data[nul] != 0) {
            nul++;
        }
        if (nul == end) {
            throw fail(start, field + " is not NUL-terminated before the end of the data (" + (end - base) + " bytes)");
        }
        position = nul + 1;
        return new String(data, start, nul - start, StandardCharsets.US_ASCII);
    }

    public byte[] bytes(int length, String field) {
        need(length, field + " (" + length + " bytes)");
        byte[] out = java.util.Arrays.copyOfRange(data, position, position + length);
        position += length;
        return out;
    }

    public void skip(int length, String field) {
        need(length, field + " (" + length + " bytes)");
        position += length;
    }

    /** Moves to an offset relative to the start of the range. */
    public void seek(int offset, String field) {
        if (offset < 0 || offset > end - base) {
            throw fail(base, field + " points to offset 0x" + Integer.toHexString(offset) + ", outside the "
                    + (end - base) + " bytes of data");
        }
        position = base + offset;
    }

    public MalformedDataException fail(String problem) {
        return fail(position, problem);
    }

    private MalformedDataException fail(int absolute, String problem) {
        return new MalformedDataException(what, absolute - base, problem);
    }

    private void need(int n, String field) {
        if (end - position < n) {
            throw fail(position, "needs " + field + " but only " + (end - position) + " of " + (end - base)
                    + " bytes remain");
        }
    }
}
