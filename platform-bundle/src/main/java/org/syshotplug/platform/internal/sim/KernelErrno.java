package org.syshotplug.platform.internal.sim;

import org.syshotplug.api.Errno;

/**
 * The errno a simulated kernel attribute answers. Thrown by {@link SimAttribute.Show} and
 * {@link SimAttribute.Store} implementations; the machine turns it into a
 * {@link org.syshotplug.platform.SystemFileException} carrying the path and the value.
 */
public final class KernelErrno extends Exception {

    private static final long serialVersionUID = 1L;

    private final Errno errno;

    public KernelErrno(Errno errno, String detail) {
        super(detail, null, false, false);
        this.errno = errno;
    }

    public KernelErrno(Errno errno) {
        this(errno, null);
    }

    public Errno errno() {
        return errno;
    }

    /** The detail, or null when the kernel would say nothing more than the errno. */
    public String detail() {
        return getMessage();
    }
}
