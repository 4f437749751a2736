package org.syshotplug.rtas.internal.dlpar;

import org.syshotplug.api.Errno;

/**
 * A DLPAR request string (or error log) that does not parse: which token, what is allowed, and
 * what the kernel would have answered (its {@code pr_err} line, if it prints one, and the errno of
 * the {@code write(2)}).
 */
public final class DlparSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String kernelMessage;
    private final int position;
    private final String token;

    /**
     * @param position      1-based token position (0 for a problem with the whole input)
     * @param token         the offending token, or null when it is missing
     * @param kernelMessage the kernel's {@code dlpar: ...} line, or null when it prints none
     */
    public DlparSyntaxException(String message, Errno errno, String kernelMessage, int position, String token) {
        super(message);
        this.errno = errno;
        this.kernelMessage = kernelMessage;
        this.position = position;
        this.token = token;
    }

    public Errno errno() {
        return errno;
    }

    public String kernelMessage() {
        return kernelMessage;
    }

    public int position() {
        return position;
    }

    public String token() {
        return token;
    }

    /** Control characters shown as escapes ({@code \n}, {@code \t}, {@code \x01}) so a message never carries them raw. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (Character.isISOControl(c)) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (s.length() > 80) {
            b.append("...");
        }
        return b.toString();
    }
}
