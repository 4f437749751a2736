package org.syshotplug.control.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket on a real Gogo command processor, driven over a real Unix domain socket. */
class ControlServerTest {

    /** Commands the tests run through the socket. */
    public static final class TestCommands {
        public String hello() {
            return "hello from the runtime";
        }

        public void partial() {
            System.out.print("no newline");
        }

        public void fail() {
            throw new IllegalArgumentException("bad device 'cpu:x': expected cpu:<number>");
        }

        /** How a command without a session parameter (the sequencer's) finds who asked. */
        public Object whoWithoutSession() {
            return CommandSession.Utils.current().get(ControlServer.PRINCIPAL_VARIABLE);
        }

        public Object who(CommandSession session) {
            return session.get(ControlServer.PRINCIPAL_VARIABLE) + " via " + session.get(ControlServer.ORIGIN_VARIABLE);
        }
    }

    @TempDir
    Path dir;

    private ThreadIOImpl threadIo;
    private CommandProcessorImpl processor;
    private ControlServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        threadIo = new ThreadIOImpl();
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("test", new TestCommands());
        server = ControlServer.start(dir.resolve("control.sock"), processor, () -> "simulated test machine",
                stopped::countDown, 4);
    }

    @AfterEach
    void stop() {
        server.close();
        threadIo.stop();
    }

    @Test
    void socketIsCreatedOwnerOnly() throws IOException {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(server.socket()), listing.toList(), "no private bind folder is left behind");
        }
    }

    @Test
    void commandResultComesBackAsAStdoutLineWithStatusZero() throws IOException {
        List<String> frames = ask("exec", "test:hello");

        assertEquals(List.of("ohello from the runtime", "x0"), frames);
    }

    @Test
    void failingCommandGivesTheConsolesErrorLineStatusOneAndStopsTheScript() throws IOException {
        List<String> frames = ask("exec", "test:fail", "test:hello");

        assertEquals(List.of("eerror: bad device 'cpu:x': expected cpu:<number>", "x1"), frames);
    }

    @Test
    void unknownCommandFailsWithStatusOne() throws IOException {
        List<String> frames = ask("exec", "test:nosuch");

        assertEquals("x1", frames.get(frames.size() - 1));
        assertTrue(frames.get(0).startsWith("eerror: "), frames.toString());
    }

    @Test
    void textWithoutNewlineKeepsItsBytes() throws IOException {
        assertEquals(List.of("Ono newline", "x0"), ask("exec", "test:partial"));
    }

    @Test
    void commandsSeeThePeersUidAndTheShellOrigin() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");

        assertEquals(List.of("ouid:" + uid + " via shell", "x0"), ask("exec", "test:who"));
    }

    @Test
    void aCommandWithoutASessionParameterFindsThePrincipalThroughTheCurrentSession() throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");

        assertEquals(List.of("ouid:" + uid, "x0"), ask("exec", "test:whoWithoutSession"));
    }

    @Test
    void escapedNewlinesStayInsideOneCommand() throws IOException {
        assertEquals("a\nb\\c", ControlServer.unescape("a\\nb\\\\c"));
    }

    @Test
    void statusNamesThePidAndThePlatform() throws IOException {
        List<String> frames = ask("status");

        assertTrue(frames.get(0).contains("pid " + ProcessHandle.current().pid()), frames.toString());
        assertTrue(frames.get(0).contains("simulated test machine"), frames.toString());
        assertEquals("x0", frames.get(frames.size() - 1));
    }

    @Test
    void stopAnswersThenStopsTheRuntime() throws Exception {
        List<String> frames = ask("stop");

        assertEquals(List.of("x0"), frames);
        assertTrue(stopped.await(10, TimeUnit.SECONDS));
    }

    @Test
    void aRequestWithoutTheHelloIsRefusedWithStatusTwo() throws IOException {
        List<String> frames = raw("GET / HTTP/1.1\n");

        assertEquals("x2", frames.get(frames.size() - 1));
    }

    @Test
    void aSecondServerDoesNotTakeOverALiveSocket() {
        IOException e = assertThrows(IOException.class, () -> ControlServer.start(server.socket(), processor, () -> "",
                () -> { }, 1));
        assertTrue(e.getMessage().contains("already answers"), e.getMessage());
    }

    @Test
    void aStaleSocketFileLeftByAKilledRuntimeIsReplaced() throws IOException {
        server.close();
        Files.writeString(server.socket(), "stale");

        server = ControlServer.start(server.socket(), processor, () -> "again", () -> { }, 1);

        assertEquals(List.of("ohello from the runtime", "x0"), ask("exec", "test:hello"));
    }

    @Test
    void closingRemovesTheSocketFile() {
        server.close();

        assertTrue(!Files.exists(server.socket()));
    }

    private List<String> ask(String verb, String... commands) throws IOException {
        StringBuilder request = new StringBuilder(ControlServer.HELLO).append(verb).append('\n');
        for (String c : commands) {
            request.append(c).append('\n');
        }
        return raw(request.toString());
    }

    private List<String> raw(String request) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(server.socket()));
            c.write(java.nio.ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            String answer = new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
            List<String> frames = answer.lines().toList();
            assertEquals("ipid=" + ProcessHandle.current().pid(), frames.get(0), "the hello frame comes first");
            return frames.subList(1, frames.size());
        }
    }
}
