package org.syshotplug.api;

import java.time.Instant;
import java.util.List;

/**
 * How a request ended, with one record per step in the order the steps ran.
 *
 * @param request  the request as submitted
 * @param outcome  how it ended
 * @param devices  the devices it resolved to (after resource handlers expanded wildcards and containers)
 * @param steps    every handler call, rollbacks included, in order
 * @param error    the failure that decided the outcome, or null on success
 * @param started  when the worker took it (equal to {@code finished} for one that never ran)
 * @param finished when it ended
 */
public record HotplugResult(HotplugRequest request, Outcome outcome, List<DeviceRef> devices,
        List<StepRecord> steps, HotplugError error, Instant started, Instant finished) {

    public HotplugResult {
        devices = List.copyOf(devices);
        steps = List.copyOf(steps);
    }

    public String requestId() {
        return request.id();
    }

    public boolean succeeded() {
        return outcome == Outcome.SUCCEEDED;
    }

    /** One line for a person: outcome, operation, devices and the error if there was one. */
    public String summary() {
        StringBuilder b = new StringBuilder()
                .append(request.id()).append(' ').append(outcome).append(": ")
                .append(request.operation().word()).append(' ')
                .append(devices.isEmpty() ? request.targets() : devices);
        if (error != null) {
            b.append(" - ").append(error);
        }
        return b.toString();
    }
}
