package org.syshotplug.spi;

import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;

/**
 * A handler's refusal or failure: the device concerned, the errno the kernel or firmware gave (if
 * any), whether a validate veto may be overridden by {@code force}, and a message a person can act on.
 */
public class HotplugException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient DeviceRef device;
    private final Errno errno;
    private final boolean overridable;

    public HotplugException(DeviceRef device, Errno errno, boolean overridable, String message, Throwable cause) {
        super(message, cause);
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a HotplugException needs a message a person can act on");
        }
        this.device = device;
        this.errno = errno;
        this.overridable = overridable;
    }

    /** A validate veto that {@code force} cannot skip. */
    public static HotplugException veto(DeviceRef device, Errno errno, String message) {
        return new HotplugException(device, errno, false, message, null);
    }

    /** A validate veto that {@code force} skips (policy, not physics). */
    public static HotplugException overridableVeto(DeviceRef device, String message) {
        return new HotplugException(device, null, true, message, null);
    }

    /** An execute, commit or rollback failure. */
    public static HotplugException failure(DeviceRef device, Errno errno, String message, Throwable cause) {
        return new HotplugException(device, errno, false, message, cause);
    }

    public DeviceRef device() {
        return device;
    }

    public Errno errno() {
        return errno;
    }

    public boolean overridable() {
        return overridable;
    }

    public HotplugError toError(String handler) {
        return new HotplugError(handler, device, errno, overridable, getMessage());
    }
}
