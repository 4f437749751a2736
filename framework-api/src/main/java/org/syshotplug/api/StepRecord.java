package org.syshotplug.api;

import java.time.Duration;
import java.util.List;

/**
 * One step of a request: one handler called in one phase.
 *
 * @param handler the handler's name (its component name)
 * @param bundle  the symbolic name of the bundle that registered it
 * @param phase   the phase the call was made in ({@link Phase#ROLLBACK} for an undo)
 * @param devices the devices of the request at the time of the call
 * @param duration how long the call took
 * @param status  what came of it
 * @param error   the failure, or null
 */
public record StepRecord(String handler, String bundle, Phase phase, List<DeviceRef> devices,
        Duration duration, Status status, HotplugError error) {

    public enum Status {
        OK,
        FAILED,
        /** An overridable veto that {@code force} skipped. */
        OVERRIDDEN,
        /** Not called: the handler is quarantined after an overrun. */
        SKIPPED
    }

    public StepRecord {
        devices = List.copyOf(devices);
    }
}
