package org.syshotplug.platform.internal.agent;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * The kernel files of another machine, served by the agent of tools/x86-acpi-guest over a unix
 * socket: a QEMU guest's second serial port, or the agent's host test mode. Every path is checked
 * by {@link KernelPaths#requireSafe(String)} before it is sent; the errno the guest kernel answered
 * comes back in the {@link SystemFileException}, with the same message as {@code LinuxSystemFiles}
 * gives. A write is exactly one {@code write(2)} in the guest. One request at a time: the agent
 * serves a single stream, and each answer carries the request's id, so the answer to a request
 * that timed out is recognised and dropped.
 */
public final class AgentSystemFiles implements SystemFiles, AutoCloseable {

    /** How long one request may take: a CPU online under TCG takes up to half a second, a memory offline can retry for seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** The kernel log has no file path; errors about it name this one. */
    static final String KERNEL_LOG = "/proc/kmsg";

    private static final Logger LOG = LoggerFactory.getLogger(AgentSystemFiles.class);
    private static final long PING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long CONNECT_RETRY_MILLIS = 50;

    private final Path socket;
    private final SocketChannel channel;
    private final Selector selector;
    private final Duration requestTimeout;
    /** Received bytes not yet consumed; kept in write mode between reads. */
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final String release;
    private long nextId = 1;
    private String brokenBecause;

    private AgentSystemFiles(Path socket, SocketChannel channel, Selector selector, Duration requestTimeout,
            long deadline) throws IOException {
        this.socket = socket;
        this.channel = channel;
        this.selector = selector;
        this.requestTimeout = requestTimeout;
        this.release = handshake(deadline);
    }

    /**
     * Connects to the agent at {@code socket} and waits until it is ready, both within
     * {@code timeout}: a socket that does not exist yet or refuses is tried again (QEMU creates it
     * at start, the agent runs seconds later, once the guest kernel has booted).
     *
     * @throws IOException when the agent is not ready in time or the connection ends (QEMU exited)
     */
    public static AgentSystemFiles connect(Path socket, Duration timeout) throws IOException {
        return connect(socket, timeout, DEFAULT_REQUEST_TIMEOUT);
    }

    public static AgentSystemFiles connect(Path socket, Duration timeout, Duration requestTimeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SocketChannel channel = null;
        while (channel == null) {
            SocketChannel attempt = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                attempt.connect(UnixDomainSocketAddress.of(socket));
                channel = attempt;
            } catch (IOException e) {
                attempt.close();
                if (System.nanoTime() - deadline >= 0) {
                    throw new IOException("no agent at " + socket + " within " + timeout.toMillis() + " ms: " + e, e);
                }
                try {
                    // A bounded poll of another process's socket: there is no event for "QEMU listens now".
                    Thread.sleep(CONNECT_RETRY_MILLIS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + socket, ie);
                }
            }
        }
        Selector selector = null;
        try {
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            return new AgentSystemFiles(socket, channel, selector, requestTimeout, deadline);
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            throw e;
        }
    }

    /** The guest kernel's release ({@code uname -r}) as the agent reported it. */
    public String release() {
        return release;
    }

    public Path socket() {
        return socket;
    }

    @Override
    public String read(String path) throws SystemFileException {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        KernelPaths.requireSafe(path);
        return AgentProtocol.unescape(request(path, null, "READB", path));
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        if (value == null) {
            throw new IllegalArgumentException("null value for " + path);
        }
        KernelPaths.requireSafe(path);
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        String answer = request(path, value, "WRITE", path, value);
        long written;
        try {
            written = Long.parseLong(answer);
        } catch (NumberFormatException e) {
            throw new SystemFileException(Errno.EIO, path, value, "agent answered '" + answer + "' for a write", e);
        }
        if (written != length) {
            // sysfs takes a store in one call; a short write means the value did not go in as one.
            throw new SystemFileException(Errno.EIO, path, value, "short write: " + written + " of " + length + " bytes",
                    null);
        }
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        KernelPaths.requireSafe(directory);
        String answer = request(directory, null, "LIST", directory);
        List<String> names = new ArrayList<>();
        if (!answer.isEmpty()) {
            for (String token : answer.split(" ", -1)) {
                names.add(AgentProtocol.unescapeText(token));
            }
        }
        names.sort(null); // the agent sorts by bytes; this is the order LinuxSystemFiles gives
        return names;
    }

    @Override
    public boolean exists(String path) {
        return test("EXISTS", path);
    }

    @Override
    public boolean isDirectory(String path) {
        return test("ISDIR", path);
    }

    private boolean test(String op, String path) {
        KernelPaths.requireSafe(path);
        try {
            return request(path, null, op, path).equals("1");
        } catch (SystemFileException e) {
            // Not an answer about the file: the agent is gone or hung, which a boolean cannot say.
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        KernelPaths.requireSafe(path);
        String target = AgentProtocol.unescapeText(request(path, null, "READLINK", path));
        try {
            return target.equals("/") ? "/" : KernelPaths.requireSafe(target);
        } catch (IllegalArgumentException e) {
            throw new SystemFileException(Errno.EINVAL, path, null, e.getMessage(), e);
        }
    }

    /**
     * The guest kernel's log since the last call (the agent reads and clears the ring buffer, as
     * {@code dmesg -c} does), one entry a line, without the level and timestamp prefixes.
     */
    public List<String> takeKernelLog() throws SystemFileException {
        String text = AgentProtocol.unescapeText(request(KERNEL_LOG, null, "KMSG"));
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    }

    @Override
    public String describe() {
        return "agent " + socket + " (" + release + ")";
    }

    @Override
    public synchronized void close() {
        if (brokenBecause == null) {
            brokenBecause = "closed";
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing the selector of {}", socket, e);
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing {}", socket, e);
        }
    }

    /** Waits for the agent's HELLO, or its answer to a PING when it was ready before we connected. */
    private String handshake(long deadline) throws IOException {
        long nextPing = System.nanoTime();
        for (;;) {
            long now = System.nanoTime();
            if (now - nextPing >= 0) {
                send("0 PING\n");
                nextPing = now + PING_INTERVAL_NANOS;
            }
            long until = deadline - nextPing < 0 ? deadline : nextPing;
            String line = readLine(until);
            if (line == null) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new IOException("the agent at " + socket + " did not say HELLO in time");
                }
                continue;
            }
            String[] t = line.split(" ");
            if (line.startsWith("HELLO ") && t.length >= 4) {
                return AgentProtocol.unescapeText(t[3]);
            }
            if (t.length >= 3 && t[0].equals("0") && t[1].equals("OK")) {
                return AgentProtocol.unescapeText(t[2]);
            }
            LOG.debug("agent {} before HELLO: {}", socket, line);
        }
    }

    /** One request: the payload after {@code OK}; an {@code ERR} becomes the kernel's errno. */
    private synchronized String request(String path, String value, String op, String... args)
            throws SystemFileException {
        if (brokenBecause != null) {
            throw new SystemFileException(Errno.EIO, path, value, "agent " + socket + ": " + brokenBecause, null);
        }
        long id = nextId++;
        StringBuilder b = new StringBuilder().append(id).append(' ').append(op);
        for (String a : args) {
            b.append(' ').append(AgentProtocol.escape(a));
        }
        b.append('\n');
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        String prefix = id + " ";
        try {
            send(b.toString());
            for (;;) {
                String line = readLine(deadline);
                if (line == null) {
                    throw new SystemFileException(Errno.ETIMEDOUT, path, value,
                            "no answer from agent " + socket + " to " + op + " within " + requestTimeout.toMillis()
                                    + " ms",
                            null);
                }
                if (!line.startsWith(prefix)) {
                    LOG.debug("agent {}: dropped a stale answer: {}", socket, line);
                    continue;
                }
                return answer(line.substring(prefix.length()), path, value);
            }
        } catch (IOException e) {
            brokenBecause = "connection lost (" + e.getMessage() + ")";
            close();
            throw new SystemFileException(Errno.EIO, path, value, "agent " + socket + ": " + brokenBecause, e);
        }
    }

    private static String answer(String rest, String path, String value) throws SystemFileException {
        String[] t = rest.split(" ", 3);
        switch (t[0]) {
            case "OK":
                return t.length > 1 ? rest.substring(3) : "";
            case "ERR": {
                int code = Integer.parseInt(t[1]);
                Errno errno = Errno.ofCode(code);
                String detail = errno.code() == code ? null
                        : "errno " + code + " (" + (t.length > 2 ? AgentProtocol.unescapeText(t[2]) : "?") + ")";
                throw new SystemFileException(errno, path, value, detail, null);
            }
            default:
                throw new IllegalStateException("the agent refused the request for " + path + ": "
                        + (t.length > 1 ? AgentProtocol.unescapeText(rest.substring(t[0].length() + 1)) : rest));
        }
    }

    private void send(String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                // The socket buffer is full: wait until QEMU takes bytes off it.
                SelectionKey key = channel.keyFor(selector);
                key.interestOps(SelectionKey.OP_WRITE);
                try {
                    selector.select(1000);
                    selector.selectedKeys().clear();
                } finally {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
        }
    }

    /** The next line without its end, or null when the deadline ({@link System#nanoTime()}) passed first. */
    private String readLine(long deadline) throws IOException {
        for (;;) {
            in.flip();
            while (in.hasRemaining()) {
                byte c = in.get();
                if (c == '\n') {
                    in.compact();
                    String line = partialLine.toString(StandardCharsets.ISO_8859_1);
                    partialLine.reset();
                    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
                }
                partialLine.write(c);
            }
            in.clear();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            selector.selectedKeys().clear();
            if (channel.read(in) < 0) {
                throw new EOFException("the agent closed the connection");
            }
        }
    }
}
