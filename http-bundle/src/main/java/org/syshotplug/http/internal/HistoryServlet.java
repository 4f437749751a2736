package org.syshotplug.http.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Outcome;

/**
 * {@code GET /api/v1/history}: finished requests, newest first, paged with {@code offset} and
 * {@code limit} (at most {@value #MAX_LIMIT}), filtered by {@code since}/{@code until} (ISO-8601
 * instants, on the finish time), {@code device} ({@code cpu:2}, target or resolved device) and
 * {@code outcome} ({@code SUCCEEDED}, ...).
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/api/v1/history/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-history"})
public class HistoryServlet extends ApiServlet {

    static final int MAX_LIMIT = 500;
    private static final long serialVersionUID = 1L;
    private final transient HotplugService hotplug;

    @Activate
    public HistoryServlet(@Reference HotplugService hotplug) {
        this.hotplug = hotplug;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (!path.isEmpty()) {
            throw ApiProblem.notFound("no such resource: one request is at " + RequestsServlet.PATH + "/<id>");
        }
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
        for (String name : request.getParameterMap().keySet()) {
            if (!List.of("offset", "limit", "since", "until", "device", "outcome").contains(name)) {
                throw ApiProblem.badField(RequestDecoder.printable(name),
                        "unknown query parameter; known: offset, limit, since, until, device, outcome");
            }
        }
        int offset = intParameter(request, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParameter(request, "limit", 50, 1, MAX_LIMIT);
        Predicate<HotplugResult> filter = r -> true;
        Instant since = instant(request, "since");
        Instant until = instant(request, "until");
        if (since != null) {
            filter = filter.and(r -> !r.finished().isBefore(since));
        }
        if (until != null) {
            filter = filter.and(r -> r.finished().isBefore(until));
        }
        String device = request.getParameter("device");
        if (device != null) {
            DeviceRef ref;
            try {
                ref = DeviceRef.parse(device);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badField("device", e.getMessage());
            }
            filter = filter.and(r -> r.request().targets().contains(ref) || r.devices().contains(ref));
        }
        String outcome = request.getParameter("outcome");
        if (outcome != null) {
            Outcome o;
            try {
                o = Outcome.valueOf(outcome.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badField("outcome", "unknown outcome '" + RequestDecoder.printable(outcome)
                        + "'; known: " + List.of(Outcome.values()));
            }
            filter = filter.and(r -> r.outcome() == o);
        }
        List<HotplugResult> matching = new ArrayList<>(hotplug.history(Integer.MAX_VALUE).stream().filter(filter).toList());
        Collections.reverse(matching);
        List<Views.RequestView> page = matching.stream().skip(offset).limit(limit)
                .map(r -> Views.RequestView.finished(r, null)).toList();
        Json.write(response, 200, new Views.Page(matching.size(), offset, limit, page));
    }

    private static Instant instant(HttpServletRequest request, String name) {
        String v = request.getParameter(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiProblem.badField(name, name + " '" + RequestDecoder.printable(v)
                    + "' is not an ISO-8601 instant such as 2026-12-02T04:00:00Z");
        }
    }

    @Override
    String allowed(String path) {
        return "GET";
    }
}
