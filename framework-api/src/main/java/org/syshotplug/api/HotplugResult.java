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
 * @param machine  which machine it ran on, as {@code SystemFiles.describe()} put it when the runtime
 *                 ran it ({@code linux root=/}, {@code simulated pseries ...}), or {@code unknown}
 */
public record HotplugResult(HotplugRequest request, Outcome outcome, List<DeviceRef> devices,
        List<StepRecord> steps, HotplugError error, Instant started, Instant finished, String machine) {

    /** The machine a result names when nobody told the sequencer which one it drives. */
    public static final String UNKNOWN_MACHINE = "unknown";

    public HotplugResult {
        devices = List.copyOf(devices);
        steps = List.copyOf(steps);
        machine = machine == null || machine.isBlank() ? UNKNOWN_MACHINE : machine;
    }

    /** A result whose machine is not known (the form of API 1.0). */
    public HotplugResult(HotplugRequest request, Outcome outcome, List<DeviceRef> devices,
            List<StepRecord> steps, HotplugError error, Instant started, Instant finished) {
        this(request, outcome, devices, steps, error, started, finished, UNKNOWN_MACHINE);
    }

    /** The same result, recorded as run on {@code machine}. */
    public HotplugResult onMachine(String machine) {
        return new HotplugResult(request, outcome, devices, steps, error, started, finished, machine);
    }

    public String requestId() {
        return request.id();
    }

    /** True for a request that did what it was asked: SUCCEEDED, or a dry run whose validate passed. */
    public boolean succeeded() {
        return outcome.isSuccess();
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
