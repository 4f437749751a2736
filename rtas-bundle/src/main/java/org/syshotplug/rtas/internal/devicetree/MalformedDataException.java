package org.syshotplug.rtas.internal.devicetree;

/** Binary firmware data (a property, a blob, an error log) that does not decode; the message names the offset. */
public final class MalformedDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long offset;

    public MalformedDataException(String what, long offset, String problem) {
        super(shown(what) + ": " + shown(problem) + " at offset 0x" + Long.toHexString(offset) + " (" + offset + ")");
        this.offset = offset;
    }

    /** Node and property names come from the data itself: no control characters, at most 500 characters. */
    private static String shown(String text) {
        String cut = text.length() > 500 ? text.substring(0, 500) + "..." : text;
        return cut.replaceAll("\\p{Cc}", "?");
    }

    /** The byte offset of the problem, relative to the start of the data named in the message. */
    public long offset() {
        return offset;
    }
}
