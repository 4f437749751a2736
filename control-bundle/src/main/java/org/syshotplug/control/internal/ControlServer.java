package org.syshotplug.control.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.HotplugResult;

/**
 * Serves the control socket: binds it owner-only, accepts connections, and answers each as the
 * console would. Knows nothing of OSGi beyond Gogo's command processor, so tests run it directly.
 *
 * <p>Wire format (text lines; the launcher's {@code ControlClient} is the other end): a request is
 * {@code SYSHOTPLUG/1 exec|status|stop} and, for exec, one escaped command per line, ended by the
 * client closing its sending side. Answers are frames, the first always {@code ipid=<pid>} (sent on
 * accept): {@code o}/{@code e} a stdout/stderr line,
 * {@code O}/{@code E} text without newline, {@code i} key=value, and last {@code x} the exit status
 * (0 ok, 1 a command failed, 2 a bad request).
 */
final class ControlServer implements AutoCloseable {

    static final String HELLO = "SYSHOTPLUG/1 ";
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** A request is a handful of commands; anything this big is not one. */
    static final int MAX_REQUEST_BYTES = 1 << 20;
    /** Session variables a command may read to learn who asked and through which door. */
    static final String PRINCIPAL_VARIABLE = org.syshotplug.shell.Principals.SESSION_VARIABLE;
    static final String ORIGIN_VARIABLE = "hotplug.origin";

    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path socket;
    private final CommandProcessor processor;
    private final Supplier<String> description;
    private final Runnable stopRuntime;
    private final ServerSocketChannel server;
    private final ThreadPoolExecutor workers;
    private final Thread acceptor;
    private final Instant since = Instant.now();
    private volatile boolean closed;

    private ControlServer(Path socket, CommandProcessor processor, Supplier<String> description, Runnable stopRuntime,
            ServerSocketChannel server, int maxClients) {
        this.socket = socket;
        this.processor = processor;
        this.description = description;
        this.stopRuntime = stopRuntime;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, maxClients, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "syshotplug-control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, "syshotplug-control-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds {@code socket} with mode 0600 and starts serving.
     *
     * @param description the runtime's one-line description for {@code status}
     * @param stopRuntime what {@code stop} does, after the reply is sent
     * @throws IOException when the socket cannot be bound, or another live runtime answers on it
     */
    static ControlServer start(Path socket, CommandProcessor processor, Supplier<String> description, Runnable stopRuntime,
            int maxClients) throws IOException {
        Path target = socket.toAbsolutePath().normalize();
        ServerSocketChannel server = bindOwnerOnly(target);
        ControlServer s = new ControlServer(target, processor, description, stopRuntime, server, maxClients);
        s.acceptor.start();
        return s;
    }

    Path socket() {
        return socket;
    }

    /**
     * Binds in a fresh 0700 folder next to the target, sets 0600, and renames it into place, so no
     * one else can connect in between whatever the umask (a bound socket keeps working when renamed).
     */
    private static ServerSocketChannel bindOwnerOnly(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        if (Files.exists(target)) {
            if (answers(target)) {
                throw new IOException("another runtime already answers on " + target);
            }
            // left by a runtime that was killed: the data folder's lock says nobody else is here
            Files.deleteIfExists(target);
        }
        Path privateDir = Files.createTempDirectory(target.getParent(), ".ctl",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path bound = privateDir.resolve("s");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(bound));
            Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
            Files.move(bound, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        } finally {
            Files.deleteIfExists(bound);
            Files.deleteIfExists(privateDir);
        }
    }

    private static boolean answers(Path socket) {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (AsynchronousCloseException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("control socket {}: accept failed: {}", socket, e.getMessage());
                }
                return;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                refuse(client, "syshotplug: the service is busy with " + workers.getMaximumPoolSize()
                        + " other clients; try again");
            }
        }
    }

    private void refuse(SocketChannel client, String message) {
        try (client) {
            FrameSink sink = new FrameSink(Channels.newOutputStream(client));
            sink.frame('e', message);
            sink.frame('x', Integer.toString(FAILED));
            sink.flush();
        } catch (IOException e) {
            // the client is gone
        }
    }

    /** One connection: read the request, run it, answer, close. */
    void serve(SocketChannel client) {
        try (client) {
            FrameSink sink = new FrameSink(Channels.newOutputStream(client));
            // First, before reading: a client that sees no frame at all knows it never reached a
            // service (and may start a runtime itself), rather than losing one mid-command.
            sink.frame('i', "pid=" + ProcessHandle.current().pid());
            sink.flush();
            List<String> lines;
            try {
                lines = readRequest(Channels.newInputStream(client));
            } catch (IOException e) {
                sink.frame('e', "syshotplug: bad request: " + e.getMessage());
                sink.frame('x', Integer.toString(USAGE));
                sink.flush();
                return;
            }
            String verb = lines.isEmpty() || !lines.get(0).startsWith(HELLO) ? "" : lines.get(0).substring(HELLO.length()).strip();
            int status = switch (verb) {
                case "exec" -> exec(lines.subList(1, lines.size()), PeerPrincipal.of(client), sink);
                case "status" -> status(sink);
                case "stop" -> stop(sink);
                default -> {
                    sink.frame('e', "syshotplug: bad request: expected '" + HELLO + "exec|status|stop' first");
                    yield USAGE;
                }
            };
            sink.frame('x', Integer.toString(status));
            sink.flush();
            if ("stop".equals(verb)) {
                Thread stopper = new Thread(stopRuntime, "syshotplug-control-stop");
                stopper.start();
            }
        } catch (IOException e) {
            LOG.debug("control client went away: {}", e.getMessage());
        }
    }

    static List<String> readRequest(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new IOException("larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        List<String> lines = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
            lines.add(unescape(line));
        }
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** Runs the commands as {@code bin/syshotplug -c} does in a runtime of its own: same output, same status. */
    private int exec(List<String> commands, String principal, FrameSink sink) throws IOException {
        FramedOutput outFrames = new FramedOutput(sink, 'o');
        FramedOutput errFrames = new FramedOutput(sink, 'e');
        PrintStream out = new PrintStream(outFrames, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errFrames, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err);
        try {
            session.put(ORIGIN_VARIABLE, "shell");
            if (principal != null) {
                session.put(PRINCIPAL_VARIABLE, principal);
            }
            for (String command : commands) {
                if (command.isBlank()) {
                    continue;
                }
                int status = run(session, command, out, err);
                if (status != OK) {
                    return status;
                }
                if (out.checkError() || err.checkError()) {
                    // The client has gone (Ctrl-C): what it submitted runs to its end, nothing after it.
                    return FAILED;
                }
            }
            return OK;
        } finally {
            session.close();
            out.flush();
            err.flush();
        }
    }

    /** One command line, with the launcher's CommandRunner rules for output and status. */
    static int run(CommandSession session, String command, PrintStream out, PrintStream err) {
        Object result;
        try {
            result = session.execute(command);
        } catch (Exception e) {
            out.flush();
            err.println("error: " + message(e));
            return FAILED;
        }
        if (result != null) {
            out.println(session.format(result, Converter.INSPECT));
        }
        out.flush();
        if (isUnsuccessful(result)) {
            String summary = result instanceof HotplugResult r ? r.summary() : String.valueOf(result);
            err.println("error: request did not succeed: " + summary);
            return FAILED;
        }
        return OK;
    }

    static boolean isUnsuccessful(Object result) {
        return first(result) != null;
    }

    /** The first HotplugResult (alone or in a collection) that did not succeed, or null. */
    private static Object first(Object result) {
        if (result instanceof Iterable<?> all) {
            for (Object each : all) {
                Object failed = first(each);
                if (failed != null) {
                    return failed;
                }
            }
            return null;
        }
        return result instanceof HotplugResult r && !r.succeeded() ? r : null;
    }

    private int status(FrameSink sink) throws IOException {
        long pid = ProcessHandle.current().pid();
        sink.frame('o', "SysHotplug is running (pid " + pid + ") on " + description.get());
        sink.frame('o', "  socket  " + socket);
        sink.frame('o', "  since   " + since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " ("
                + humanDuration(java.time.Duration.between(since, Instant.now())) + ")");
        return OK;
    }

    private int stop(FrameSink sink) {
        return OK;
    }

    static String humanDuration(java.time.Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return "up " + s + " s";
        }
        if (s < 7200) {
            return "up " + s / 60 + " min";
        }
        return s < 172_800 ? "up " + s / 3600 + " h" : "up " + s / 86_400 + " days";
    }

    static String unescape(String line) {
        if (line.indexOf('\\') < 0) {
            return line;
        }
        StringBuilder b = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char n = line.charAt(++i);
                b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            Throwable cause = e.getCause();
            return cause != null ? message(cause) : e.getClass().getSimpleName();
        }
        return message;
    }

    /** Stops accepting, removes the socket file, and lets running commands finish on their own threads. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("could not remove the control socket {}: {}", socket, e.getMessage());
        }
        workers.shutdown();
    }
}
