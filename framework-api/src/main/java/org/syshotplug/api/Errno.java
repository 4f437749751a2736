package org.syshotplug.api;

/**
 * The errno names the kernel answers with on hot-plug paths. Kept as names, not numbers, because
 * that is what operators read in {@code dmesg} and what the kernel documentation uses.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EIO(5, "Input/output error"),
    ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENOSPC(28, "No space left on device"),
    EROFS(30, "Read-only file system"),
    ERANGE(34, "Numerical result out of range"),
    EOPNOTSUPP(95, "Operation not supported"),
    ETIMEDOUT(110, "Connection timed out"),
    ECANCELED(125, "Operation canceled");

    private final int code;
    private final String text;

    Errno(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** The C library's {@code strerror} text, as {@code echo} would print it. */
    public String text() {
        return text;
    }

    /** The errno with this number, or {@link #EIO} for one we do not model. */
    public static Errno ofCode(int code) {
        for (Errno e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return EIO;
    }

    /** Finds the errno whose {@code strerror} text a JDK exception message carries, if any. */
    public static Errno fromMessage(String message) {
        if (message != null) {
            for (Errno e : values()) {
                if (message.contains(e.text)) {
                    return e;
                }
            }
        }
        return null;
    }
}
