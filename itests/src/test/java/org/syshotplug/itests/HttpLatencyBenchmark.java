package org.syshotplug.itests;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;

/**
 * The figures of benchmarks/README.md "HTTP API" (not a test: runs only with
 * {@code -Dsyshotplug.bench.http=true}): one request at a time on the simulated machine, offline
 * and online of cpu:1 in turn, (a) through {@code HotplugService} directly, (b) POSTed over loopback
 * HTTP with the result taken from the event stream; and (c) how long the final event takes from the
 * promise resolving to the SSE client reading it. Journal off in both, so the difference is the
 * HTTP path, not the disk.
 */
class HttpLatencyBenchmark {

    private static final int WARM_UP = 300;
    private static final int MEASURED = 1000;

    private final Map<String, CompletableFuture<HttpRuntime.Event>> finals = new ConcurrentHashMap<>();

    @Test
    void submitToResultOverHttpAgainstDirectAndSseLatency(@TempDir Path data) throws Exception {
        assumeTrue(Boolean.getBoolean("syshotplug.bench.http"), "a benchmark: run with -Dsyshotplug.bench.http=true");
        try (HttpRuntime http = HttpRuntime.start(data, Map.of(),
                b -> b.configuration("org.syshotplug.sequencer", Map.of("journal", false)));
                HttpRuntime.EventStream events = http.events("Bearer " + HttpRuntime.TOKEN)) {
            Thread dispatcher = new Thread(() -> {
                try {
                    while (true) {
                        HttpRuntime.Event e = events.events.take();
                        if (HttpRuntime.isFinal(e.name())) {
                            finals.computeIfAbsent(e.data().path("request.id").asText(), x -> new CompletableFuture<>()).complete(e);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "bench-sse");
            dispatcher.setDaemon(true);
            dispatcher.start();
            HotplugService hotplug = http.runtime.hotplugService();

            long[] direct = new long[MEASURED];
            long[] overHttp = new long[MEASURED];
            long[] accepted = new long[MEASURED];
            long[] sse = new long[MEASURED];
            for (int round = 0; round < 2; round++) {
                int n = round == 0 ? WARM_UP : MEASURED;
                for (int i = 0; i < n; i++) {
                    Operation op = i % 2 == 0 ? Operation.OFFLINE : Operation.ONLINE;
                    String id = "d" + round + "-" + i;
                    CompletableFuture<HttpRuntime.Event> event = finals.computeIfAbsent(id, x -> new CompletableFuture<>());
                    long[] resolved = new long[1];
                    long t0 = System.nanoTime();
                    hotplug.submit(HotplugRequest.builder(op).id(id).target(DeviceRef.cpu(1)).build())
                            .onResolve(() -> resolved[0] = System.nanoTime()).getValue();
                    long t1 = System.nanoTime();
                    HttpRuntime.Event e = event.get(30, TimeUnit.SECONDS);
                    if (round == 1) {
                        direct[i] = t1 - t0;
                        sse[i] = e.at() - resolved[0];
                    }
                }
                for (int i = 0; i < n; i++) {
                    String op = i % 2 == 0 ? "offline" : "online";
                    String id = "h" + round + "-" + i;
                    CompletableFuture<HttpRuntime.Event> event = finals.computeIfAbsent(id, x -> new CompletableFuture<>());
                    long t0 = System.nanoTime();
                    HttpResponse<Void> r = http.client.send(http.request("/api/v1/requests", "Bearer " + HttpRuntime.TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\",\"operation\":\"" + op
                                    + "\",\"devices\":[\"cpu:1\"]}")).build(), HttpResponse.BodyHandlers.discarding());
                    long t1 = System.nanoTime();
                    if (r.statusCode() != 202) {
                        throw new AssertionError("POST answered " + r.statusCode());
                    }
                    HttpRuntime.Event e = event.get(30, TimeUnit.SECONDS);
                    if (round == 1) {
                        accepted[i] = t1 - t0;
                        overHttp[i] = e.at() - t0;
                    }
                }
            }
            System.out.printf("HTTP BENCH (%d requests each, sequential, loopback, journal off):%n", MEASURED);
            print("direct HotplugService submit->result", direct);
            print("HTTP POST->202", accepted);
            print("HTTP POST->final event on SSE", overHttp);
            print("SSE: promise resolved->client read the final event", sse);
            Arrays.sort(direct);
            Arrays.sort(overHttp);
            System.out.printf("  HTTP overhead (percentile of HTTP minus same percentile of direct): p50 %.2f ms, p99 %.2f ms%n",
                    (percentile(overHttp, 50) - percentile(direct, 50)) / 1e6,
                    (percentile(overHttp, 99) - percentile(direct, 99)) / 1e6);
        }
    }

    private static void print(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("  %-55s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms%n", what, percentile(s, 50) / 1e6,
                percentile(s, 90) / 1e6, percentile(s, 99) / 1e6);
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
