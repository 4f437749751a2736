package org.syshotplug.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code GET /api/v1/events}: the request events as {@code text/event-stream}, one {@code id:} per
 * event; a client that reconnects with {@code Last-Event-ID} (or {@code ?lastEventId=}) gets what it
 * missed, as far as the replay ring reaches. A comment line every 15 s keeps proxies from closing an
 * idle stream and tells this side when the client has gone.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + EventsServlet.PATH + "/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-events"})
public class EventsServlet extends ApiServlet {

    static final String PATH = "/api/v1/events";
    private static final long serialVersionUID = 1L;
    private static final long KEEPALIVE_SECONDS = 15;

    private final transient EventBroker broker;

    @Activate
    public EventsServlet(@Reference EventBroker broker) {
        this.broker = broker;
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (!path.isEmpty()) {
            throw ApiProblem.notFound("no such resource: events are one stream at " + PATH);
        }
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
        long last = lastEventId(request);
        EventBroker.Client client = broker.subscribe(last);
        try {
            response.setStatus(200);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("X-Accel-Buffering", "no");
            OutputStream out = response.getOutputStream();
            // Says "subscribed": anything posted from now on is in this stream.
            write(out, ": subscribed at event " + broker.lastId() + "\nretry: 2000\n\n");
            while (true) {
                EventBroker.Sse e = client.queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == EventBroker.Sse.CLOSE) {
                    return;
                }
                if (e == null) {
                    write(out, ": keep-alive\n\n");
                    continue;
                }
                StringBuilder b = new StringBuilder(e.data().length() + 64);
                b.append("id: ").append(e.id()).append("\nevent: ").append(e.name()).append("\ndata: ").append(e.data())
                        .append("\n\n");
                // Send what is already waiting in the same write: fewer flushes under load.
                EventBroker.Sse more;
                while (b.length() < 65536 && (more = client.queue.peek()) != null && more != EventBroker.Sse.CLOSE) {
                    client.queue.poll();
                    b.append("id: ").append(more.id()).append("\nevent: ").append(more.name()).append("\ndata: ")
                            .append(more.data()).append("\n\n");
                }
                write(out, b.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            broker.unsubscribe(client);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static long lastEventId(HttpServletRequest request) {
        String v = request.getHeader("Last-Event-ID");
        String field = "Last-Event-ID";
        if (v == null) {
            v = request.getParameter("lastEventId");
            field = "lastEventId";
        }
        if (v == null) {
            return -1;
        }
        try {
            long id = Long.parseLong(v.trim());
            if (id >= 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiProblem.badField(field, "'" + RequestDecoder.printable(v) + "' is not an event id (a non-negative integer)");
    }

    @Override
    String allowed(String path) {
        return "GET";
    }
}
