package org.syshotplug.http.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.syshotplug.api.HotplugEvents;

/**
 * Turns the sequencer's {@code org/syshotplug/request/*} events into Server-Sent Events: each gets
 * the next id, is kept in a ring of the last {@value #REPLAY} for clients that reconnect with
 * {@code Last-Event-ID}, and is queued to every connected client. A client's own servlet thread
 * writes its queue, so a slow client delays only itself; one that falls {@value #CLIENT_QUEUE}
 * events behind is dropped and resumes from its last id.
 */
@Component(service = {EventBroker.class, EventHandler.class},
        property = EventConstants.EVENT_TOPIC + "=" + HotplugEvents.TOPIC_ALL)
public class EventBroker implements EventHandler {

    static final int REPLAY = 4096;
    static final int CLIENT_QUEUE = 8192;

    /** One event as sent: its id, SSE event name (the topic's last part) and JSON data. */
    record Sse(long id, String name, String data) {
        static final Sse CLOSE = new Sse(-1, "", "");
    }

    /** A connected client's queue; {@link Sse#CLOSE} ends it. */
    static final class Client {
        final BlockingQueue<Sse> queue = new LinkedBlockingQueue<>(CLIENT_QUEUE);
        volatile boolean dropped;
    }

    private final Deque<Sse> ring = new ArrayDeque<>();
    private final Set<Client> clients = new CopyOnWriteArraySet<>();
    private long nextId = 1;
    // EventAdmin may still deliver an event it took before this component went away (a one-command
    // run stops the framework right after its request); by then Jackson's bundle may be gone too.
    private volatile boolean active = true;

    @Override
    public void handleEvent(Event event) {
        if (!active) {
            return;
        }
        String topic = event.getTopic();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("topic", topic);
        for (String key : new String[] {HotplugEvents.REQUEST_ID, HotplugEvents.OPERATION, HotplugEvents.DEVICES,
                HotplugEvents.ORIGIN, HotplugEvents.OUTCOME, HotplugEvents.PHASE, HotplugEvents.HANDLER,
                HotplugEvents.MESSAGE, HotplugEvents.ERRNO, "done", "total", "device", "principal"}) {
            Object v = event.getProperty(key);
            if (v != null) {
                data.put(key, v);
            }
        }
        String name = topic.substring(topic.lastIndexOf('/') + 1);
        String json;
        try {
            json = Json.text(data);
        } catch (LinkageError e) {
            if (active) {
                throw e;
            }
            // The framework stopped under a first, slow Jackson initialisation: nobody listens any more.
            return;
        }
        Sse sse;
        synchronized (ring) {
            sse = new Sse(nextId++, name, json);
            ring.addLast(sse);
            if (ring.size() > REPLAY) {
                ring.removeFirst();
            }
            // Under the ring's lock, so a client that subscribed with a replay sees each event once.
            for (Client c : clients) {
                if (!c.queue.offer(sse)) {
                    c.dropped = true;
                    clients.remove(c);
                    c.queue.clear();
                    c.queue.offer(Sse.CLOSE);
                }
            }
        }
    }

    /** Connects a client; the events after {@code lastEventId} still in the ring are queued first. */
    Client subscribe(long lastEventId) {
        Client c = new Client();
        synchronized (ring) {
            if (lastEventId >= 0) {
                for (Sse s : ring) {
                    if (s.id() > lastEventId) {
                        c.queue.offer(s);
                    }
                }
            }
            clients.add(c);
        }
        return c;
    }

    void unsubscribe(Client c) {
        clients.remove(c);
    }

    /** The newest event id sent (0 before the first). */
    long lastId() {
        synchronized (ring) {
            return nextId - 1;
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        List<Client> all = new ArrayList<>(clients);
        clients.clear();
        for (Client c : all) {
            c.queue.clear();
            c.queue.offer(Sse.CLOSE);
        }
    }
}
