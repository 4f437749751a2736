package org.syshotplug.platform;

import org.syshotplug.api.Errno;

/** A kernel file operation that failed, with the errno the kernel answered, the path and the value written. */
public class SystemFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final Errno errno;
    private final String path;
    private final String value;

    public SystemFileException(Errno errno, String path, String value, String detail, Throwable cause) {
        super(message(errno, path, value, detail), cause);
        this.errno = errno;
        this.path = path;
        this.value = value;
    }

    public SystemFileException(Errno errno, String path, String value) {
        this(errno, path, value, null, null);
    }

    public Errno errno() {
        return errno;
    }

    public String path() {
        return path;
    }

    /** The value that was being written, or null for a read. */
    public String value() {
        return value;
    }

    private static String message(Errno errno, String path, String value, String detail) {
        StringBuilder b = new StringBuilder();
        b.append(value == null ? "read " : "write '" + value.strip() + "' to ").append(path).append(": ")
                .append(errno.name()).append(" (").append(errno.text()).append(')');
        if (detail != null) {
            b.append(": ").append(detail);
        }
        return b.toString();
    }
}
