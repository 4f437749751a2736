package org.syshotplug.http.internal;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Progress;
import org.syshotplug.api.RequestStatus;

/**
 * Submits the API's requests and remembers them, so {@code GET /api/v1/requests/<id>} shows a
 * request's last progress while it runs and its steps once it ended, even after the sequencer's
 * history moved on. Keeps the newest {@value #REMEMBERED} finished requests.
 */
@Component(service = RequestTracker.class)
public class RequestTracker {

    static final int REMEMBERED = 10_000;

    private static final class Entry {
        final HotplugRequest request;
        final Instant submitted = Instant.now();
        volatile Progress progress;
        volatile HotplugResult result;
        volatile Promise<HotplugResult> promise;

        Entry(HotplugRequest request) {
            this.request = request;
        }
    }

    private final HotplugService hotplug;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    @Activate
    public RequestTracker(@Reference HotplugService hotplug) {
        this.hotplug = hotplug;
    }

    HotplugService hotplug() {
        return hotplug;
    }

    /** Queues the request; the answer is at once, the result arrives later. */
    void submit(HotplugRequest request) {
        Entry e = new Entry(request);
        synchronized (entries) {
            entries.put(request.id(), e);
            trim();
        }
        e.promise = hotplug.submit(request, p -> e.progress = p).onSuccess(r -> e.result = r);
    }

    /** The request with this id: ours, or queued/running from elsewhere, or in the sequencer's history. */
    Optional<Views.RequestView> find(String id) {
        Entry e;
        synchronized (entries) {
            e = entries.get(id);
        }
        if (e != null && e.result != null) {
            return Optional.of(Views.RequestView.finished(e.result, e.submitted));
        }
        for (RequestStatus s : hotplug.requests()) {
            if (s.request().id().equals(id)) {
                return Optional.of(Views.RequestView.queued(s.request(), s.state().name(),
                        s.phase() == null ? null : s.phase().word(), s.submitted(), s.started(), e == null ? null : e.progress));
            }
        }
        Optional<HotplugResult> done = e != null ? resultOf(e) : Optional.empty();
        if (done.isEmpty()) {
            done = hotplug.history(Integer.MAX_VALUE).stream().filter(r -> r.requestId().equals(id)).reduce((a, b) -> b);
        }
        if (done.isPresent()) {
            return Optional.of(Views.RequestView.finished(done.get(), e == null ? null : e.submitted));
        }
        // Left the queue, result not yet handed over: it is finishing.
        return e == null ? Optional.empty()
                : Optional.of(Views.RequestView.queued(e.request, "RUNNING", null, e.submitted, null, e.progress));
    }

    private static Optional<HotplugResult> resultOf(Entry e) {
        if (e.result != null) {
            return Optional.of(e.result);
        }
        Promise<HotplugResult> p = e.promise;
        try {
            return p != null && p.isDone() && p.getFailure() == null ? Optional.of(p.getValue()) : Optional.empty();
        } catch (java.lang.reflect.InvocationTargetException | InterruptedException x) {
            if (x instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }
    }

    private void trim() {
        if (entries.size() <= REMEMBERED) {
            return;
        }
        Iterator<Entry> it = entries.values().iterator();
        while (entries.size() > REMEMBERED && it.hasNext()) {
            if (it.next().result != null) {
                it.remove();
            }
        }
    }
}
