package org.syshotplug.acpi.internal;

/**
 * A MADT that cannot be decoded safely: too short, a length field that points past the table, or a
 * subtable shorter than its type requires. The message names the byte offset, so the table can be
 * checked with a hex dump.
 */
public class MadtFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int offset;

    public MadtFormatException(int offset, String message) {
        super("MADT offset " + offset + " (0x" + Integer.toHexString(offset) + "): " + message);
        this.offset = offset;
    }

    /** The byte offset in the table where the problem was found. */
    public int offset() {
        return offset;
    }
}
