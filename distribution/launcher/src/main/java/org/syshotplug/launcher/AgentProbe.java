package org.syshotplug.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Asks the guest agent of agent mode ({@code tools/x86-acpi-guest}) for its kernel before the
 * framework starts, so a socket nobody serves is one line instead of a runtime whose platform never
 * registers. The launcher cannot use the platform bundle's client; this speaks the two lines of the
 * protocol it needs: {@code 0 PING} and the answer {@code 0 OK <uname -r>}, or the agent's
 * {@code HELLO syshotplug-agent 1 <uname -r>} when it starts while we wait.
 */
final class AgentProbe {

    /** {@code -Dsyshotplug.agent.timeout=SECONDS}: how long the agent may take to answer (a guest still booting). */
    static final String TIMEOUT_PROPERTY = "syshotplug.agent.timeout";
    /** As long as the platform bundle gives the agent, so a guest it would accept is not refused here. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** The agent may start after our first PING went to a serial port nobody read; it is asked again. */
    private static final long PING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private AgentProbe() {
    }

    static Duration timeout() {
        long seconds = Long.getLong(TIMEOUT_PROPERTY, DEFAULT_TIMEOUT.toSeconds());
        return Duration.ofSeconds(Math.max(1, seconds));
    }

    /**
     * The guest kernel's release, once the agent at {@code socket} has answered.
     *
     * @throws LaunchException one line: the socket is missing, not a socket, refused (QEMU gone), or
     *                         nothing answered within {@code timeout}
     */
    static String release(Path socket, Duration timeout) throws LaunchException {
        requireSocket(socket);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            // Non-blocking: QEMU listens with a backlog of one while it serves another client, and a
            // blocking connect to a full backlog would wait without end.
            boolean connected;
            try {
                connected = channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new LaunchException("nothing serves the agent socket " + socket + " (" + SysHotplugRuntime.rootMessage(e)
                        + "): has the guest's QEMU exited?", e);
            }
            if (!connected) {
                channel.register(selector, SelectionKey.OP_CONNECT);
                if (!await(selector, deadline) || !channel.finishConnect()) {
                    throw notAnswered(socket, timeout);
                }
            }
            channel.register(selector, SelectionKey.OP_READ);
            return handshake(channel, selector, socket, timeout, deadline);
        } catch (IOException e) {
            throw new LaunchException("the agent socket " + socket + " failed: " + SysHotplugRuntime.rootMessage(e), e);
        }
    }

    private static void requireSocket(Path socket) throws LaunchException {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(socket, "unix:mode");
        } catch (NoSuchFileException e) {
            throw missing(socket, e);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return; // the connect below says what is wrong
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new LaunchException("agent socket " + socket + " is not a unix socket");
        }
    }

    /** Said alike by the agent lock, which meets a missing socket first, and by the probe. */
    static LaunchException missing(Path socket, NoSuchFileException e) {
        return new LaunchException("agent socket " + socket + " does not exist: start the guest first "
                + "(tools/x86-acpi-guest/run.sh WORKDIR leaves WORKDIR/agent.sock)", e);
    }

    private static String handshake(SocketChannel channel, Selector selector, Path socket, Duration timeout, long deadline)
            throws IOException, LaunchException {
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long nextPing = System.nanoTime();
        for (;;) {
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                throw notAnswered(socket, timeout);
            }
            if (now - nextPing >= 0) {
                ByteBuffer ping = ByteBuffer.wrap("0 PING\n".getBytes(StandardCharsets.US_ASCII));
                while (ping.hasRemaining() && channel.write(ping) > 0) {
                    // a 7-byte line fits any socket buffer; a full one means nobody reads, which the deadline catches
                }
                nextPing = now + PING_INTERVAL_NANOS;
            }
            await(selector, deadline - nextPing < 0 ? deadline : nextPing);
            in.clear();
            int n = channel.read(in);
            if (n < 0) {
                throw new LaunchException("the agent socket " + socket + " closed the connection: has the guest's QEMU exited?");
            }
            in.flip();
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String release = releaseOf(line.toString(StandardCharsets.ISO_8859_1).strip());
                line.reset();
                if (release != null) {
                    return release;
                }
            }
        }
    }

    /** The release in {@code 0 OK <release>} or {@code HELLO syshotplug-agent 1 <release>}, or null for any other line. */
    static String releaseOf(String line) {
        String[] t = line.split(" ");
        if (t.length == 3 && t[0].equals("0") && t[1].equals("OK")) {
            return unescape(t[2]);
        }
        if (t.length >= 4 && t[0].equals("HELLO")) {
            return unescape(t[3]);
        }
        return null;
    }

    /** The agent's %XX escapes (tools/x86-acpi-guest/README.md). */
    private static String unescape(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            int hi = c == '%' && i + 2 < token.length() ? Character.digit(token.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(token.charAt(i + 2), 16) : -1;
            if (lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean await(Selector selector, long until) throws IOException {
        long millis = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        int ready = selector.select(Math.max(1, millis));
        selector.selectedKeys().clear();
        return ready > 0;
    }

    private static LaunchException notAnswered(Path socket, Duration timeout) {
        return new LaunchException("the agent at " + socket + " did not answer within " + timeout.toSeconds() + " s: the guest "
                + "is still booting, its agent is not running, or another client holds the socket (QEMU serves one at a "
                + "time; -D" + TIMEOUT_PROPERTY + "=SECONDS waits longer)");
    }
}
