package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.HotplugRequest;

/**
 * {@code POST /api/v1/requests} queues a request (202 with {@code Location}); {@code GET} lists the
 * queued and running ones; {@code GET /api/v1/requests/<id>} shows one, live; {@code DELETE
 * /api/v1/requests/<id>} cancels a queued one.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + RequestsServlet.PATH + "/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-requests"})
public class RequestsServlet extends ApiServlet {

    static final String PATH = "/api/v1/requests";
    private static final long serialVersionUID = 1L;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final transient RequestTracker tracker;
    private final transient HttpGate gate;

    @Activate
    public RequestsServlet(@Reference RequestTracker tracker, @Reference HttpGate gate) {
        this.tracker = tracker;
        this.gate = gate;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (path.isEmpty()) {
            switch (method) {
                case "GET" -> {
                    List<Views.RequestView> items = tracker.hotplug().requests().stream()
                            .map(s -> Views.RequestView.queued(s.request(), s.state().name(),
                                    s.phase() == null ? null : s.phase().word(), s.submitted(), s.started(), null))
                            .toList();
                    Json.write(response, 200, new Views.RequestList(items.size(), items));
                }
                case "POST" -> submit(request, response);
                default -> throw wrongMethod(method, path);
            }
            return;
        }
        if (!ID.matcher(path).matches()) {
            throw ApiProblem.notFound("no request '" + RequestDecoder.printable(path) + "'");
        }
        switch (method) {
            case "GET" -> Json.write(response, 200, tracker.find(path)
                    .orElseThrow(() -> ApiProblem.notFound("no request '" + path + "' is queued, running or remembered")));
            case "DELETE" -> {
                if (tracker.hotplug().cancel(path)) {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("id", path);
                    body.put("cancelled", true);
                    body.put("href", Views.href(path));
                    Json.write(response, 200, body);
                } else {
                    throw new ApiProblem(409, "Not cancellable", "request '" + path
                            + "' is not queued (running requests finish; finished ones are history)", null);
                }
            }
            default -> throw wrongMethod(method, path);
        }
    }

    private void submit(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSettings settings = gate.settings();
        byte[] body = body(request, settings.maxBodyBytes());
        HotplugRequest hotplugRequest = RequestDecoder.decode(body, settings.maxDevices(), principal(request).name());
        accepted(response, tracker, hotplugRequest);
    }

    /** Queues the request and answers 202 with where to watch it. */
    static void accepted(HttpServletResponse response, RequestTracker tracker, HotplugRequest r) throws IOException {
        tracker.submit(r);
        response.setHeader("Location", Views.href(r.id()));
        Map<String, String> body = new LinkedHashMap<>();
        body.put("id", r.id());
        body.put("state", "QUEUED");
        body.put("href", Views.href(r.id()));
        body.put("events", EventsServlet.PATH);
        Json.write(response, 202, body);
    }

    @Override
    String allowed(String path) {
        return path.isEmpty() ? "GET, POST" : "GET, DELETE";
    }
}
