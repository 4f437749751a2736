package org.syshotplug.api;

/**
 * A progress report from a handler working through a multi-device request.
 *
 * @param device  the device just handled, or null for a message about the whole step
 * @param done    how many devices of this step are done
 * @param total   how many the step has (0 if unknown)
 */
public record Progress(String requestId, String handler, Phase phase, DeviceRef device, int done, int total,
        String message) {
}
