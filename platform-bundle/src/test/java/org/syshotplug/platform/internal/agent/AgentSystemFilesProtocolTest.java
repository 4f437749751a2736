package org.syshotplug.platform.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

/**
 * The host side of the protocol against a scripted agent: what the C agent never does on purpose
 * (stale answers, silence, refusals, unmodelled errnos, a dropped connection).
 */
class AgentSystemFilesProtocolTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private Thread serving;
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

    /** Serves one connection: no HELLO (as if the agent was ready before we connected), then the script's lines. */
    private Path agent(Function<String, String> script) throws IOException {
        Path socket = dir.resolve("fake.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        serving = new Thread(() -> {
            try (SocketChannel c = server.accept()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.US_ASCII));
                OutputStream out = Channels.newOutputStream(c);
                for (String line; (line = in.readLine()) != null;) {
                    received.add(line);
                    String answer = line.startsWith("0 PING") ? "0 OK 6.1.0-test" : script.apply(line);
                    if (answer == null) {
                        return;
                    }
                    if (!answer.isEmpty()) {
                        out.write((answer + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                }
            } catch (IOException e) {
                // the test closed the connection
            }
        }, "fake-agent");
        serving.setDaemon(true);
        serving.start();
        return socket;
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (serving != null) {
            serving.join(5000);
        }
    }

    @Test
    void agentReadyBeforeTheConnectionAnswersThePing() throws Exception {
        try (AgentSystemFiles files = AgentSystemFiles.connect(agent(l -> ""), Duration.ofSeconds(5))) {
            assertEquals("6.1.0-test", files.release());
        }
    }

    @Test
    void staleAnswersAreDroppedByTheirId() throws Exception {
        Path socket = agent(l -> l.startsWith("1 ") ? "0 OK late-ping\n7 OK stale\n1 OK 1%0A" : "");
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5))) {
            assertEquals("1\n", files.read("/sys/devices/system/cpu/cpu1/online"));
        }
    }

    @Test
    void silenceIsATimeoutAndTheLateAnswerDoesNotConfuseTheNextRequest() throws Exception {
        Path socket = agent(l -> l.startsWith("1 ") ? "" : l.startsWith("2 ") ? "1 OK too-late\n2 OK 0%0A" : "");
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5), Duration.ofMillis(300))) {
            SystemFileException e = assertThrows(SystemFileException.class,
                    () -> files.read("/sys/devices/system/cpu/cpu1/online"));
            assertEquals(Errno.ETIMEDOUT, e.errno());

            assertEquals("0\n", files.read("/sys/devices/system/cpu/cpu1/online"));
        }
    }

    @Test
    void writeSendsTheValueEscapedAndChecksTheCount() throws Exception {
        Path socket = agent(l -> l.startsWith("1 ") ? "1 OK 7" : "2 OK 1");
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5))) {
            files.write("/sys/devices/system/memory/memory32/state", "a b\n%\u00e9");
            SystemFileException shortWrite = assertThrows(SystemFileException.class,
                    () -> files.write("/sys/devices/system/cpu/cpu1/online", "1\n"));

            assertEquals(Errno.EIO, shortWrite.errno());
            assertTrue(shortWrite.getMessage().endsWith("short write: 1 of 2 bytes"), shortWrite.getMessage());
            List<String> requests = received.stream().filter(l -> !l.startsWith("0 ")).toList();
            assertEquals("1 WRITE /sys/devices/system/memory/memory32/state a%20b%0A%25%C3%A9", requests.get(0));
        }
    }

    @Test
    void unmodelledErrnoKeepsItsNumberAndText() throws Exception {
        Path socket = agent(l -> l.split(" ")[0] + " ERR 4 Interrupted%20system%20call");
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5))) {
            SystemFileException e = assertThrows(SystemFileException.class,
                    () -> files.write("/sys/devices/system/cpu/cpu1/online", "0"));

            assertEquals(Errno.EIO, e.errno());
            assertEquals("write '0' to /sys/devices/system/cpu/cpu1/online: EIO (Input/output error): "
                    + "errno 4 (Interrupted system call)", e.getMessage());
        }
    }

    @Test
    void refusedRequestIsAnIllegalState() throws Exception {
        Path socket = agent(l -> l.split(" ")[0] + " BAD unknown%20operation");
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> files.read("/sys/devices/system/cpu/cpu1/online"));
            assertTrue(e.getMessage().endsWith("unknown operation"), e.getMessage());
        }
    }

    @Test
    void droppedConnectionIsEioForThisAndEveryLaterRequest() throws Exception {
        Path socket = agent(l -> null);
        try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(5))) {
            SystemFileException first = assertThrows(SystemFileException.class,
                    () -> files.read("/sys/devices/system/cpu/cpu1/online"));
            SystemFileException later = assertThrows(SystemFileException.class,
                    () -> files.list("/sys/devices/system/cpu"));

            assertEquals(Errno.EIO, first.errno());
            assertEquals(Errno.EIO, later.errno());
            assertTrue(later.getMessage().contains("connection lost"), later.getMessage());
            assertThrows(IllegalStateException.class, () -> files.exists("/sys/devices/system/cpu"));
        }
        assertTrue(received.poll(1, TimeUnit.SECONDS) != null);
    }

    @Test
    void noAgentIsAnIoExceptionWithinTheTimeout() {
        IOException e = assertThrows(IOException.class,
                () -> AgentSystemFiles.connect(dir.resolve("nobody.sock"), Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("nobody.sock"), e.getMessage());
    }
}
