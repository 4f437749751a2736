package org.syshotplug.http.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Progress;
import org.syshotplug.api.StepRecord;

/** The JSON shapes of the API: plain records, built from the API's types by the static factories. */
final class Views {

    private Views() {
    }

    record DeviceView(String device, String type, String id, String state, Map<String, String> attributes) {
        static DeviceView of(DeviceInfo d) {
            return new DeviceView(d.ref().toString(), d.ref().type(), d.ref().id(), d.state(), d.attributes());
        }
    }

    record DeviceList(String type, int count, List<DeviceView> items) {
    }

    record TypeList(List<String> types) {
    }

    record HandlerView(String name, String bundle, long serviceId, String phase, int priority, int ranking,
            List<String> operations, List<String> devices, long calls, long failures, boolean quarantined,
            String quarantine) {
        static HandlerView of(HandlerInfo h) {
            return new HandlerView(h.name(), h.bundle(), h.serviceId(), h.phase().word(), h.priority(), h.ranking(),
                    h.operations().stream().sorted().map(Operation::word).toList(), h.devices(), h.calls(), h.failures(),
                    h.quarantined(), h.quarantine());
        }
    }

    record HandlerList(int count, List<HandlerView> items) {
    }

    record ErrorView(String handler, String device, String errno, boolean overridable, String message) {
        static ErrorView of(HotplugError e) {
            return e == null ? null : new ErrorView(e.handler(), e.device() == null ? null : e.device().toString(),
                    e.errno() == null ? null : e.errno().name(), e.overridable(), e.message());
        }
    }

    record StepView(String handler, String bundle, String phase, List<String> devices, long micros, String status,
            ErrorView error) {
        static StepView of(StepRecord s) {
            return new StepView(s.handler(), s.bundle(), s.phase().word(), names(s.devices()), s.duration().toNanos() / 1000,
                    s.status().name(), ErrorView.of(s.error()));
        }
    }

    record ProgressView(String handler, String phase, String device, int done, int total, String message) {
        static ProgressView of(Progress p) {
            return p == null ? null : new ProgressView(p.handler(), p.phase() == null ? null : p.phase().word(),
                    p.device() == null ? null : p.device().toString(), p.done(), p.total(), p.message());
        }
    }

    /**
     * One request as the API shows it, queued, running or finished.
     *
     * @param state QUEUED, RUNNING or FINISHED
     */
    record RequestView(String id, String href, String operation, List<String> targets, boolean force, boolean dryRun,
            Map<String, String> params, String origin, String principal, String state, String phase, String submitted,
            String started, String finished, String outcome, List<String> devices, ErrorView error,
            List<StepView> steps, ProgressView progress, String machine) {

        static RequestView queued(HotplugRequest r, String state, String phase, Instant submitted, Instant started,
                Progress progress) {
            return new RequestView(r.id(), Views.href(r.id()), r.operation().word(), names(r.targets()), r.force(), r.dryRun(),
                    r.parameters(), r.origin(), r.principal(), state, phase, iso(submitted), iso(started), null, null, null, null,
                    null, ProgressView.of(progress), null);
        }

        static RequestView finished(HotplugResult x, Instant submitted) {
            HotplugRequest r = x.request();
            return new RequestView(r.id(), Views.href(r.id()), r.operation().word(), names(r.targets()), r.force(), r.dryRun(),
                    r.parameters(), r.origin(), r.principal(), "FINISHED", null, iso(submitted), iso(x.started()), iso(x.finished()),
                    x.outcome().name(), names(x.devices()), ErrorView.of(x.error()),
                    x.steps().stream().map(StepView::of).toList(), null, x.machine());
        }
    }

    record RequestList(int count, List<RequestView> items) {
    }

    record Page(int total, int offset, int limit, List<RequestView> items) {
    }

    /** Times as ISO-8601 text: the one JSON form of an instant here, with no extra Jackson module. */
    static String iso(Instant t) {
        return t == null ? null : t.toString();
    }

    static String href(String id) {
        return RequestsServlet.PATH + "/" + id;
    }

    static List<String> names(List<DeviceRef> devices) {
        return devices.stream().map(DeviceRef::toString).toList();
    }
}
