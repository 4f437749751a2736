package org.syshotplug.rtas.internal.devicetree;

/** Binary firmware data (a property, a blob, an error log) that does not decode; the message names the offset. */
public final class MalformedDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public MalformedDataException(String what, long offset, String problem) {
        super(what + ": " + problem + " at offset 0x" + Long.toHexString(offset) + " (" + offset + ")");
        this.offset = offset;
    }

    /** The byte offset of the problem, relative to the start of the data named in the message. */
    public long offset() {
        return offset;
    }
}
