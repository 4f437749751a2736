package org.syshotplug.launcher;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The client side of a running runtime's control socket ({@code DATA/control.sock}, served by the
 * {@code org.syshotplug.control} bundle): sends shell commands, or asks for status or a stop, and
 * replays what comes back on this process's stdout and stderr byte for byte. It loads no OSGi class,
 * so a command against a running service costs one small JVM start and the command itself.
 *
 * <p>Protocol (text lines, UTF-8): the client sends {@code SYSHOTPLUG/1 exec|status|stop}, then for
 * {@code exec} one command per line ({@code \} escaped as {@code \\}, newline as {@code \n}, carriage
 * return as {@code \r}), then closes its sending side. The service answers with frames, one per line:
 * {@code o}/{@code e} + a line of stdout/stderr (its newline included), {@code O}/{@code E} + text
 * without a newline, {@code i} + {@code key=value} information, and last {@code x} + the exit status.
 */
public final class ControlClient {

    public static final String SOCKET = "control.sock";
    static final String HELLO = "SYSHOTPLUG/1 ";

    /** What came back, or that no service answered. */
    public record Reply(int status, Optional<Long> pid) {
    }

    private final Path socket;

    public ControlClient(Path dataDir) {
        this.socket = dataDir.toAbsolutePath().normalize().resolve(SOCKET);
    }

    public Path socket() {
        return socket;
    }

    /**
     * Connects, or returns empty when no service listens (no socket file, or a stale one left by a
     * runtime that was killed): then the caller starts a runtime of its own.
     */
    Optional<SocketChannel> connect() {
        if (!Files.exists(socket)) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
                return Optional.of(channel);
            } catch (IOException e) {
                channel.close();
                return Optional.empty();
            }
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Runs the commands in the service; empty when no service answers. */
    public Optional<Reply> exec(List<String> commands, PrintStream out, PrintStream err) throws IOException {
        StringBuilder request = new StringBuilder(HELLO).append("exec\n");
        for (String command : commands) {
            request.append(escape(command)).append('\n');
        }
        return send(request.toString(), out, err);
    }

    /** Asks the service how it is; empty when none answers. */
    public Optional<Reply> status(PrintStream out, PrintStream err) throws IOException {
        return send(HELLO + "status\n", out, err);
    }

    /** Asks the service to stop; empty when none answers. The reply names the pid to wait for. */
    public Optional<Reply> stop(PrintStream out, PrintStream err) throws IOException {
        return send(HELLO + "stop\n", out, err);
    }

    private Optional<Reply> send(String request, PrintStream out, PrintStream err) throws IOException {
        Optional<SocketChannel> connected = connect();
        if (connected.isEmpty()) {
            return Optional.empty();
        }
        try (SocketChannel channel = connected.get()) {
            OutputStream toService = Channels.newOutputStream(channel);
            toService.write(request.getBytes(StandardCharsets.UTF_8));
            toService.flush();
            channel.shutdownOutput();
            return Optional.of(replay(new BufferedInputStream(Channels.newInputStream(channel)), out, err));
        }
    }

    /** Copies the frames to out and err; the status is the {@code x} frame's. */
    static Reply replay(InputStream in, PrintStream out, PrintStream err) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        Long pid = null;
        for (;;) {
            line.reset();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                break;
            }
            byte[] frame = line.toByteArray();
            if (frame.length == 0) {
                continue;
            }
            switch (frame[0]) {
                case 'o' -> {
                    out.write(frame, 1, frame.length - 1);
                    out.write('\n');
                }
                case 'O' -> out.write(frame, 1, frame.length - 1);
                case 'e' -> {
                    out.flush();
                    err.write(frame, 1, frame.length - 1);
                    err.write('\n');
                }
                case 'E' -> err.write(frame, 1, frame.length - 1);
                case 'i' -> {
                    String info = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
                    if (info.matches("pid=[0-9]{1,18}")) {
                        pid = Long.parseLong(info.substring(4));
                    }
                }
                case 'x' -> {
                    out.flush();
                    err.flush();
                    String status = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8).strip();
                    if (!status.matches("[0-9]{1,3}")) {
                        err.println("syshotplug: the service answered with a bad status '" + status + "'");
                        return new Reply(Main.EXIT_FAILED, Optional.ofNullable(pid));
                    }
                    return new Reply(Integer.parseInt(status), Optional.ofNullable(pid));
                }
                default -> {
                    // a frame kind from a newer service: skip it
                }
            }
        }
        out.flush();
        err.println("syshotplug: the service closed the connection before it gave a status (is it stopping?)");
        return new Reply(Main.EXIT_FAILED, Optional.ofNullable(pid));
    }

    static String escape(String command) {
        StringBuilder b = new StringBuilder(command.length());
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
