package org.syshotplug.api;

/**
 * What went wrong in one step: the device concerned (if any), the errno the kernel or firmware
 * answered (if any), whether a validate veto could be overridden with {@code force}, and a sentence
 * a person can act on.
 */
public record HotplugError(String handler, DeviceRef device, Errno errno, boolean overridable, String message) {

    public HotplugError {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("a hot-plug error needs a message");
        }
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (device != null) {
            b.append(device).append(": ");
        }
        b.append(message);
        if (errno != null) {
            b.append(" (").append(errno.name()).append(')');
        }
        if (overridable) {
            b.append(" [overridable with force]");
        }
        return b.toString();
    }
}
