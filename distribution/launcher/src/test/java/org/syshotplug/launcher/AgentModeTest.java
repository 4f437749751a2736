package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --platform agent --agent-socket PATH}: usage errors are one line and status 2; a socket nobody
 * serves is one line and status 3 before Felix starts; the socket is passed through ConfigAdmin and
 * locked, one runtime per guest.
 */
class AgentModeTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private FakeAgent agent;

    @BeforeEach
    void setUp() {
        System.setProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY, dir.resolve("locks").toString());
    }

    @AfterEach
    void tearDown() throws Exception {
        System.clearProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY);
        if (agent != null) {
            agent.close();
        }
    }

    private int run(String... args) {
        return LauncherRun.run(out, err, args);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void agentWithoutASocketIsOneUsageLine() {
        assertEquals(Main.EXIT_USAGE, run("--home", dir.toString(), "--platform", "agent", "-c", "lb"));
        assertEquals(1, errText().lines().count(), errText());
        assertTrue(errText().startsWith("syshotplug: --platform agent needs --agent-socket PATH"), errText());
    }

    @Test
    void aSocketWithAnotherPlatformIsRefused() {
        assertEquals(Main.EXIT_USAGE, run("--platform", "linux", "--agent-socket", "/tmp/x.sock", "-c", "lb"));
        assertTrue(errText().contains("--agent-socket goes with --platform agent"), errText());
        err.reset();
        assertEquals(Main.EXIT_USAGE, run("--home", dir.toString(), "--agent-socket", "/tmp/x.sock", "-c", "lb"));
        assertEquals("syshotplug: --agent-socket goes with --platform agent; the platform is simulated "
                + "(etc/org.syshotplug.platform.cfg)\n", errText());
        err.reset();
        assertEquals(Main.EXIT_USAGE, run("status", "--agent-socket", "/tmp/x.sock"));
    }

    @Test
    void agentModeInEtcNeedsItsSocketThereOrOnTheCommandLine() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.writeString(dir.resolve(Main.PLATFORM_CFG), "mode = agent\n");

        assertEquals(Main.EXIT_USAGE, run("--home", dir.toString(), "-c", "lb"));
        assertTrue(errText().startsWith("syshotplug: etc/org.syshotplug.platform.cfg: mode agent needs agentSocket"), errText());

        Main.checkPlatformFile(Main.parse(new String[] {"--home", dir.toString(), "--agent-socket", "/tmp/x.sock"}));
        Files.writeString(dir.resolve(Main.PLATFORM_CFG), "mode = agent\nagentSocket = /tmp/x.sock\nprofile = power\n");
        Main.checkPlatformFile(Main.parse(new String[] {"--home", dir.toString()}));
    }

    @Test
    void theSocketGoesThroughConfigAdminAsAnAbsolutePath() throws Exception {
        Path home = distribution();
        Main.Options options = Main.parse(new String[] {"--home", home.toString(), "--platform", "agent",
            "--agent-socket", "rel/agent.sock", "-c", "lb"});

        Map<String, Object> platform = Main.config(options).configurations().get(Config.PLATFORM_PID);

        assertEquals(Map.of("mode", "agent", "agentSocket", Path.of("rel/agent.sock").toAbsolutePath().toString()), platform);
    }

    @Test
    void aMissingSocketIsOneLineAndNotStarted() throws Exception {
        Path home = distribution();
        Path missing = dir.resolve("gone/agent.sock");

        int status = run("--home", home.toString(), "--platform", "agent", "--agent-socket", missing.toString(), "-c", "lb");

        assertEquals(Main.EXIT_NOT_STARTED, status);
        assertEquals(1, errText().lines().count(), errText());
        assertTrue(errText().startsWith("syshotplug: agent socket " + missing + " does not exist"), errText());
    }

    @Test
    void aSocketNothingServesOrAFileIsOneLineAndNotStarted() throws Exception {
        Path home = distribution();
        Path stale = dir.resolve("stale.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(stale));
        }
        Path file = Files.writeString(dir.resolve("file.sock"), "");

        assertEquals(Main.EXIT_NOT_STARTED, run("--home", home.toString(), "--platform", "agent", "--agent-socket",
                stale.toString(), "-c", "lb"));
        assertTrue(errText().startsWith("syshotplug: nothing serves the agent socket " + stale), errText());
        assertEquals(1, errText().lines().count(), errText());
        err.reset();
        LaunchException e = assertThrows(LaunchException.class, () -> AgentProbe.release(file, Duration.ofSeconds(1)));
        assertEquals("agent socket " + file + " is not a unix socket", e.getMessage());
    }

    @Test
    void anAgentThatNeverAnswersIsRefusedAfterTheTimeout() throws Exception {
        agent = new FakeAgent(dir.resolve("agent.sock"), null);

        LaunchException e = assertThrows(LaunchException.class,
                () -> AgentProbe.release(agent.socket, Duration.ofSeconds(1)));

        assertTrue(e.getMessage().startsWith("the agent at " + agent.socket + " did not answer within 1 s"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void theProbeReadsTheReleaseFromThePingAnswerOrTheHello() throws Exception {
        agent = new FakeAgent(dir.resolve("agent.sock"), "0 OK 6.1.0-28-amd64\n");
        assertEquals("6.1.0-28-amd64", AgentProbe.release(agent.socket, Duration.ofSeconds(10)));

        assertEquals("6.1.0-28-amd64", AgentProbe.releaseOf("HELLO syshotplug-agent 1 6.1.0-28-amd64"));
        assertEquals("6.1 x", AgentProbe.releaseOf("0 OK 6.1%20x"));
        assertEquals(null, AgentProbe.releaseOf("1 OK 0"));
    }

    @Test
    void agentModeClaimsTheGuestSoASecondRuntimeOnTheSameSocketIsToldWho() throws Exception {
        agent = new FakeAgent(dir.resolve("agent.sock"), "0 OK 6.1.0-28-amd64\n");
        Path etc = Files.createDirectories(dir.resolve("etc"));
        List<OwnershipLock> first = SysHotplugRuntime.claim(claimConfig(etc, "data-a").build());
        try {
            assertEquals(2, first.size());
            assertTrue(first.get(1).file().getFileName().toString().startsWith("agent-"), first.get(1).file().toString());

            LaunchException e = assertThrows(LaunchException.class,
                    () -> SysHotplugRuntime.claim(claimConfig(etc, "data-b").build()));

            assertTrue(e.getMessage().startsWith("the guest kernel behind agent socket " + agent.socket.toRealPath()
                    + " is already driven by this process"), e.getMessage());
            assertTrue(e.getMessage().contains("one runtime per kernel"), e.getMessage());
        } finally {
            first.forEach(OwnershipLock::close);
        }
    }

    private Config.Builder claimConfig(Path etc, String data) {
        return Config.builder().bundle("file:/nowhere.jar", 1).etcDir(etc).dataDir(dir.resolve(data))
                .platform("agent").agentSocket(agent.socket);
    }

    /** The least a distribution folder needs for Main to get as far as the claims. */
    private Path distribution() throws IOException {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve("bundle/1"));
        Files.writeString(home.resolve("bundle/1/nothing.jar"), "");
        return home;
    }

    /** A unix socket server answering every connection's first line with {@code answer} (null: never). */
    private static final class FakeAgent implements AutoCloseable {
        final Path socket;
        private final ServerSocketChannel server;
        private final Thread thread;

        FakeAgent(Path socket, String answer) throws IOException {
            this.socket = socket;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> serve(answer), "fake-agent");
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(String answer) {
            try {
                for (;;) {
                    try (SocketChannel client = server.accept()) {
                        ByteBuffer in = ByteBuffer.allocate(64);
                        while (client.read(in) >= 0) {
                            if (answer != null && new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).contains("\n")) {
                                client.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.US_ASCII)));
                                in.clear();
                            }
                            if (!in.hasRemaining()) {
                                in.clear();
                            }
                        }
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.join(5_000);
        }
    }
}
