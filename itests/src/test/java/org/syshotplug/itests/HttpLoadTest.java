package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceRegistration;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * 16 HTTP clients submit 500 requests each on loopback while a handler joins and leaves the chain
 * 100 times: every 202 reaches exactly one final state, seen once on the event stream and the same
 * on GET; no request is lost or run twice, and no two run at once.
 */
class HttpLoadTest {

    private static final int CLIENTS = 16;
    private static final int PER_CLIENT = 500;
    private static final int CHURNS = 100;
    private static final List<String> TARGETS = List.of("cpu:1", "cpu:2", "cpu:3", "memory:12", "memory:13", "memory:14",
            "memory:15");

    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final Map<String, AtomicInteger> finals = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    @Test
    void sixteenClientsTimesFiveHundredRequestsUnderHandlerChurnEachReachOneFinalState(@TempDir Path data) throws Exception {
        // Vetoes and rollbacks are expected under churn; the sequencer's WARN line for each stays out of the build log.
        String quiet = "org.slf4j.simpleLogger.log.org.syshotplug.sequencer";
        System.setProperty(quiet, "error");
        // The journal's fsync per request would measure the disk, not the HTTP API and the sequencer.
        try (HttpRuntime http = HttpRuntime.start(data, Map.of(),
                b -> b.configuration("org.syshotplug.sequencer", Map.of("journal", false)))) {
            String auth = "Bearer " + HttpRuntime.TOKEN;
            ServiceRegistration<HotplugHandler> recorder = register(http, "itest.http.recorder", 900);
            try (HttpRuntime.EventStream events = http.events(auth)) {
                Thread dispatcher = new Thread(() -> dispatch(events), "itest-sse-dispatch");
                dispatcher.setDaemon(true);
                dispatcher.start();

                Semaphore pace = new Semaphore(0);
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
                Future<Integer> churn = pool.submit(() -> churn(http, pace));
                long start = System.nanoTime();
                List<Future<List<String>>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    clients.add(pool.submit(() -> client(http, auth, client, pace)));
                }
                List<String> ids = new ArrayList<>();
                for (Future<List<String>> f : clients) {
                    ids.addAll(f.get(300, TimeUnit.SECONDS));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                int churns = churn.get(60, TimeUnit.SECONDS);
                pool.shutdown();

                Map<String, Integer> byOutcome = new TreeMap<>();
                List<Instant[]> runs = new ArrayList<>();
                for (String id : ids) {
                    JsonNode r = HttpRuntime.json(http.get("/api/v1/requests/" + id, auth));
                    assertEquals("FINISHED", r.path("state").asText(), r.toString());
                    assertEquals(waiting.get(id).getNow("none"), r.path("outcome").asText(), "GET agrees with SSE for " + id);
                    byOutcome.merge(r.path("outcome").asText(), 1, Integer::sum);
                    if (r.path("steps").size() > 0) {
                        runs.add(new Instant[] {Instant.parse(r.path("started").asText()), Instant.parse(r.path("finished").asText())});
                    }
                }
                runs.sort(Comparator.comparing(a -> a[0]));
                int overlappingRuns = 0;
                for (int i = 1; i < runs.size(); i++) {
                    if (runs.get(i)[0].isBefore(runs.get(i - 1)[1])) {
                        overlappingRuns++;
                    }
                }
                List<String> notOnce = finals.entrySet().stream().filter(e -> e.getValue().get() != 1)
                        .map(e -> e.getKey() + "=" + e.getValue()).limit(10).toList();
                System.out.printf("HTTP LOAD: %d requests from %d clients in %.1f s (%.0f/s), %d handler churns, outcomes %s%n",
                        ids.size(), CLIENTS, seconds, ids.size() / seconds, churns, byOutcome);

                assertEquals(CLIENTS * PER_CLIENT, ids.size());
                assertEquals(ids.size(), ids.stream().distinct().count(), "no id twice");
                assertEquals(ids.size(), finals.size(), "a final event for every request");
                assertEquals(List.of(), notOnce, "exactly one final event per request");
                assertEquals(0, overlaps.get(), "no two requests inside the handlers at once");
                assertEquals(0, overlappingRuns, "the finished requests' run times never overlap");
                assertEquals(CHURNS, churns);
                assertTrue(byOutcome.getOrDefault("SUCCEEDED", 0) > 0, byOutcome.toString());
            } finally {
                recorder.unregister();
            }
        } finally {
            System.clearProperty(quiet);
        }
    }

    private List<String> client(HttpRuntime http, String auth, int client, Semaphore pace) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < PER_CLIENT; k++) {
            String id = "load-" + client + "-" + k;
            String target = TARGETS.get((client + k) % TARGETS.size());
            String op = (k / TARGETS.size()) % 2 == 0 ? "offline" : "online";
            CompletableFuture<String> outcome = waiting.computeIfAbsent(id, x -> new CompletableFuture<>());
            HttpResponse<String> r = http.client.send(http.request("/api/v1/requests", auth)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"operation\":\"" + op
                            + "\",\"devices\":[\"" + target + "\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            outcome.get(60, TimeUnit.SECONDS);
            ids.add(id);
            pace.release();
        }
        return ids;
    }

    private void dispatch(HttpRuntime.EventStream events) {
        try {
            while (true) {
                HttpRuntime.Event e = events.events.take();
                if (HttpRuntime.isFinal(e.name())) {
                    String id = e.data().path("request.id").asText();
                    finals.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
                    waiting.computeIfAbsent(id, x -> new CompletableFuture<>()).complete(e.name());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A handler joins and leaves the chain, once per 1/(CHURNS+1) of the requests done. */
    private int churn(HttpRuntime http, Semaphore pace) throws Exception {
        int cycles = 0;
        for (int i = 0; i < CHURNS; i++) {
            pace.acquire(CLIENTS * PER_CLIENT / (CHURNS + 1));
            ServiceRegistration<HotplugHandler> reg = register(http, "itest.http.churned", 950);
            pace.acquire(1);
            reg.unregister();
            cycles++;
        }
        return cycles;
    }

    private ServiceRegistration<HotplugHandler> register(HttpRuntime http, String name, int priority) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(HandlerProperties.PHASE, "execute");
        props.put(HandlerProperties.PRIORITY, priority);
        props.put("component.name", name);
        HotplugHandler handler = context -> {
            if (inside.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
            }
            inside.decrementAndGet();
        };
        return http.runtime.bundleContext().registerService(HotplugHandler.class, handler, props);
    }
}
