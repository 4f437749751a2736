package org.syshotplug.platform.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A QEMU Machine Protocol client on a unix socket: commands with ids, answered through futures;
 * events handed to a listener on the reader thread as they arrive, so a test waits on them
 * instead of sleeping.
 */
public final class Qmp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final Consumer<JsonNode> events;
    private final Runnable onClose;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final Thread reader;
    private volatile boolean open = true;

    private Qmp(SocketChannel channel, Consumer<JsonNode> events, Runnable onClose) {
        this.channel = channel;
        this.events = events;
        this.onClose = onClose;
        this.reader = new Thread(this::readLoop, "qmp-reader");
        reader.setDaemon(true);
    }

    /**
     * Connects, reads QEMU's greeting and leaves capabilities negotiation, so events flow.
     *
     * @param events called on the reader thread with every event ({@code {"event": ..., "data": ...}})
     * @param onClose called once when QEMU closes the connection (it exited)
     */
    public static Qmp connect(Path socket, Duration timeout, Consumer<JsonNode> events, Runnable onClose)
            throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot connect to QMP at " + socket + ": " + e.getMessage(), e);
        }
        Qmp qmp = new Qmp(channel, events, onClose);
        qmp.reader.start();
        try {
            qmp.greeting.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            qmp.execute("qmp_capabilities", null, timeout);
        } catch (IOException | RuntimeException e) {
            qmp.close();
            throw e;
        } catch (ExecutionException | TimeoutException e) {
            qmp.close();
            throw new IOException("no QMP greeting from " + socket + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            qmp.close();
            throw new IOException("interrupted", e);
        }
        return qmp;
    }

    /**
     * Runs one command and returns its {@code return} value.
     *
     * @throws QmpError when QEMU answered with an error
     * @throws IOException when QEMU does not answer in time or the connection ended
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Duration timeout) throws IOException {
        long id = ids.incrementAndGet();
        ObjectNode request = JSON.createObjectNode().put("execute", command).put("id", id);
        if (arguments != null) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            if (!open) {
                throw new IOException("QMP connection is closed (QEMU exited?)");
            }
            byte[] line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
            synchronized (channel) {
                ByteBuffer out = ByteBuffer.wrap(line);
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            }
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply.has("error")) {
                JsonNode error = reply.get("error");
                throw new QmpError(command, error.path("class").asText(), error.path("desc").asText());
            }
            return reply.get("return");
        } catch (ExecutionException e) {
            throw new IOException("QMP " + command + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("QMP " + command + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("QMP " + command + ": interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    public boolean isOpen() {
        return open;
    }

    private void readLoop() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null;) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode message = JSON.readTree(line);
                if (message.has("QMP")) {
                    greeting.complete(message);
                } else if (message.has("event")) {
                    events.accept(message);
                } else if (message.has("id")) {
                    CompletableFuture<JsonNode> f = pending.get(message.get("id").asLong());
                    if (f != null) {
                        f.complete(message);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the connection ended: QEMU exited or close() closed the channel
        } finally {
            open = false;
            IOException closed = new IOException("QEMU closed the QMP connection");
            greeting.completeExceptionally(closed);
            pending.values().forEach(f -> f.completeExceptionally(closed));
            onClose.run();
        }
    }

    @Override
    public void close() {
        open = false;
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** QEMU's answer {@code {"error": {"class": ..., "desc": ...}}}. */
    public static final class QmpError extends IOException {
        private static final long serialVersionUID = 1L;
        private final String errorClass;
        private final String description;

        QmpError(String command, String errorClass, String description) {
            super("QMP " + command + ": " + errorClass + ": " + description);
            this.errorClass = errorClass;
            this.description = description;
        }

        public String errorClass() {
            return errorClass;
        }

        public String description() {
            return description;
        }
    }
}
