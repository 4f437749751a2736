package org.syshotplug.shell;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.StepRecord;

/**
 * One request result as every command shows it: one line with the devices as ranges, a step table,
 * or a record of plain maps and lists for a JSON encoder (the same fields in every bundle).
 */
public final class ResultView {

    private ResultView() {
    }

    /** ISO 8601 with date and offset, to the millisecond, in the runtime's time zone. */
    public static String time(Instant t) {
        return t == null ? null : DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                t.truncatedTo(ChronoUnit.MILLIS).atZone(ZoneId.systemDefault()));
    }

    public static List<DeviceRef> devices(HotplugResult r) {
        return r.devices().isEmpty() ? r.request().targets() : r.devices();
    }

    public static long millis(HotplugResult r) {
        return Duration.between(r.started(), r.finished()).toMillis();
    }

    /** {@code SUCCEEDED: offline cpu:1-1000 (request 1a2b3c4d, 812 ms)}, the error appended when there is one. */
    public static String line(HotplugResult r) {
        StringBuilder b = new StringBuilder().append(r.outcome()).append(": ").append(r.request().operation().word())
                .append(' ').append(DeviceRanges.summarise(devices(r), 200))
                .append(" (request ").append(r.requestId()).append(", ").append(millis(r)).append(" ms)");
        if (r.error() != null) {
            b.append(": ").append(r.error());
        }
        return b.toString();
    }

    /**
     * {@code 1a2b3c4d SUCCEEDED: offline [cpu:1-1000]}, the error appended after {@code " - "}: {@link
     * HotplugResult#summary()} with the devices as ranges in walk order ({@link DeviceRanges#inOrder(List)}),
     * so a log line stays short however many devices a request has.
     */
    public static String summary(HotplugResult r) {
        StringBuilder b = new StringBuilder()
                .append(r.request().id()).append(' ').append(r.outcome()).append(": ")
                .append(r.request().operation().word()).append(' ')
                .append(DeviceRanges.inOrder(devices(r)));
        if (r.error() != null) {
            b.append(" - ").append(r.error());
        }
        return b.toString();
    }

    public static Table steps(HotplugResult r) {
        Table t = new Table("phase", "handler", "bundle", "devices", "status", "ms", "error").right(5);
        for (StepRecord s : r.steps()) {
            t.row(s.phase().word(), s.handler(), s.bundle(), DeviceRanges.summarise(s.devices(), 60), s.status(),
                    s.duration().toMillis(), s.error() == null ? null : s.error().message());
        }
        return t;
    }

    /** Everything a script needs to know about one result. */
    public static Map<String, Object> record(HotplugResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.requestId());
        m.put("outcome", r.outcome().name());
        m.put("operation", r.request().operation().word());
        m.put("devices", DeviceRanges.summarise(devices(r)));
        m.put("device-list", devices(r).stream().map(DeviceRef::toString).toList());
        m.put("dry-run", r.request().dryRun());
        m.put("force", r.request().force());
        m.put("parameters", r.request().parameters());
        m.put("machine", r.machine());
        m.put("origin", r.request().origin());
        m.put("principal", r.request().principal());
        m.put("started", time(r.started()));
        m.put("finished", time(r.finished()));
        m.put("ms", millis(r));
        m.put("error", error(r.error()));
        List<Map<String, Object>> steps = new ArrayList<>();
        for (StepRecord s : r.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("phase", s.phase().word());
            step.put("handler", s.handler());
            step.put("bundle", s.bundle());
            step.put("devices", DeviceRanges.summarise(s.devices()));
            step.put("status", s.status().name());
            step.put("ms", s.duration().toMillis());
            step.put("error", error(s.error()));
            steps.add(step);
        }
        m.put("steps", steps);
        return m;
    }

    private static Map<String, Object> error(HotplugError e) {
        if (e == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("message", e.message());
        m.put("device", e.device() == null ? null : e.device().toString());
        m.put("errno", e.errno() == null ? null : e.errno().name());
        m.put("handler", e.handler());
        m.put("overridable", e.overridable());
        return m;
    }
}
