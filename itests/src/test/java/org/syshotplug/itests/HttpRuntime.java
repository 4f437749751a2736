package org.syshotplug.itests;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.syshotplug.launcher.Config;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * The product's bundles plus the HTTP API (Felix HTTP Jetty 12, Jackson, http-bundle) started from
 * the test's JVM, Jetty on a free loopback port; and the small HTTP and SSE client the tests use.
 */
final class HttpRuntime implements AutoCloseable {

    static final String PID = "org.syshotplug.http";
    static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    static final List<String> HTTP_BUNDLES = List.of("org.apache.felix.http.servlet-api", "commons-io", "commons-fileupload",
            "org.apache.felix.http.jetty12", "jackson-annotations", "jackson-core", "jackson-databind");
    static final ObjectMapper JSON = new ObjectMapper();

    static final String OPERATOR = "alice";
    static final String VIEWER = "victor";
    static final String PASSWORD = "correct horse battery staple";
    static final String TOKEN = "itest-token-0123456789abcdefghijklmnopqrstuvwxyz";

    final SysHotplugRuntime runtime;
    final URI base;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private HttpRuntime(SysHotplugRuntime runtime, URI base) {
        this.runtime = runtime;
        this.base = base;
    }

    /** The product with HTTP on 127.0.0.1 (free port), two users and one operator token. */
    static HttpRuntime start(Path data, Map<String, Object> extra) throws Exception {
        return start(data, extra, b -> { });
    }

    /** As {@link #start(Path, Map)}, with more configuration of the runtime. */
    static HttpRuntime start(Path data, Map<String, Object> extra, java.util.function.Consumer<Config.Builder> more)
            throws Exception {
        Map<String, Object> http = new java.util.HashMap<>(Map.of("enabled", true, "host", "127.0.0.1", "port", 0,
                ".users", new String[] {userLine(OPERATOR, "operator"), userLine(VIEWER, "viewer")},
                ".tokens", new String[] {tokenLine("loadbot", "operator", TOKEN)}, "maxBodyBytes", 4096));
        http.putAll(extra);
        Config.Builder b = builder(data).configuration(PID, http);
        more.accept(b);
        SysHotplugRuntime runtime = SysHotplugRuntime.start(b.build());
        try {
            return new HttpRuntime(runtime, awaitEndpoint(runtime.bundleContext()));
        } catch (Exception | Error e) {
            runtime.close();
            throw e;
        }
    }

    /** The product plus the HTTP bundles, API shared with this JVM (tests register handlers from here). */
    static Config.Builder builder(Path data) {
        Config.Builder b = HostRuntimes.product(data).sharedApi(true);
        HTTP_BUNDLES.forEach(name -> b.bundle(RuntimeOptions.RUNTIME_BUNDLES.resolve(name + ".jar").toUri().toString(),
                Config.LEVEL_RUNTIME));
        b.bundle(RuntimeOptions.reactorLocation("http-bundle"), Config.LEVEL_BUNDLES);
        return b;
    }

    /** Waits for Jetty's HttpServiceRuntime (registered once it listens) and takes its endpoint. */
    static URI awaitEndpoint(BundleContext context) throws Exception {
        CountDownLatch registered = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                registered.countDown();
            }
        };
        context.addServiceListener(listener, "(objectClass=" + HTTP_RUNTIME + ")");
        try {
            if (context.getServiceReference(HTTP_RUNTIME) == null && !registered.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("Jetty did not start within 30 s");
            }
        } finally {
            context.removeServiceListener(listener);
        }
        ServiceReference<?> ref = context.getServiceReference(HTTP_RUNTIME);
        Object endpoint = ref.getProperty("osgi.http.endpoint");
        String first = endpoint instanceof String[] all ? all[0]
                : endpoint instanceof java.util.Collection<?> c ? String.valueOf(c.iterator().next()) : String.valueOf(endpoint);
        return URI.create(first.endsWith("/") ? first : first + "/");
    }

    static String userLine(String name, String role) throws Exception {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        int iterations = 10_000;
        byte[] hash = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec(PASSWORD.toCharArray(), salt, iterations, 256)).getEncoded();
        Base64.Encoder b64 = Base64.getEncoder();
        return name + ":" + role + ":pbkdf2-sha256:" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    static String tokenLine(String name, String role, String token) throws Exception {
        return name + ":" + role + ":sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder request(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b;
    }

    HttpResponse<String> get(String path, String authorization) throws Exception {
        return client.send(request(path, authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String method, String path, String authorization, String json) throws Exception {
        return client.send(request(path, authorization).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    /** One event read from the stream. */
    /** One event read from the stream; {@code at} is {@link System#nanoTime()} when its data line was read. */
    record Event(long id, String name, JsonNode data, long at) {
    }

    /** An open {@code /api/v1/events} stream; events arrive on {@link #events}. */
    final class EventStream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private final Thread reader;
        private volatile InputStream body;

        EventStream(String authorization) throws Exception {
            HttpResponse<InputStream> response = client.send(request("/api/v1/events", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new AssertionError("events answered " + response.statusCode());
            }
            body = response.body();
            reader = new Thread(this::read, "itest-sse");
            reader.setDaemon(true);
            reader.start();
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no subscription comment on the event stream");
            }
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                long id = -1;
                String name = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith(": subscribed")) {
                        subscribed.countDown();
                    } else if (line.startsWith("id: ")) {
                        id = Long.parseLong(line.substring(4));
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ")) {
                        long at = System.nanoTime();
                        events.add(new Event(id, name, JSON.readTree(line.substring(6)), at));
                    }
                }
            } catch (Exception e) {
                // closed by the test, or the runtime stopped
            }
        }

        /** The next event of request {@code id} whose name is not QUEUED, STARTED or PROGRESS. */
        Event awaitFinal(String requestId) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no final event for " + requestId + " within 30 s");
                }
                if (requestId.equals(e.data().path("request.id").asText()) && isFinal(e.name())) {
                    return e;
                }
            }
        }

        @Override
        public void close() throws Exception {
            InputStream b = body;
            if (b != null) {
                b.close();
            }
            reader.interrupt();
        }
    }

    static boolean isFinal(String name) {
        return !List.of("QUEUED", "STARTED", "PROGRESS").contains(name);
    }

    EventStream events(String authorization) throws Exception {
        return new EventStream(authorization);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
