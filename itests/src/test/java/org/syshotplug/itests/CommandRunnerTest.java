package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.launcher.CommandRunner;
import org.syshotplug.launcher.GogoSession;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * What {@code bin/syshotplug -c} does, in process: the real bundles on the simulated machine (the
 * API installed as a bundle, as the distribution does), one Gogo session, and an exit status per
 * command.
 */
class CommandRunnerTest {

    @TempDir
    static Path data;

    private static SysHotplugRuntime runtime;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        runtime = SysHotplugRuntime.start(HostRuntimes.product(data).sharedApi(false).build());
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void cpuTableIsPrintedAndExitStatusIsZero() throws Exception {
        int status = run("hotplug:devices cpu");

        assertEquals(CommandRunner.OK, status, text(err));
        assertTrue(text(out).contains("CPU") || text(out).contains("cpu"), text(out));
        assertTrue(text(out).lines().count() > 2, "a header and one line per CPU: " + text(out));
    }

    @Test
    void unknownCommandExitsNonZeroWithAMessage() throws Exception {
        int status = run("hotplug:nosuch");

        assertEquals(CommandRunner.FAILED, status);
        assertTrue(text(err).startsWith("error: "), text(err));
    }

    @Test
    void badDeviceExitsNonZeroWithTheReason() throws Exception {
        int status = run("hotplug:offline cpu:../../etc");

        assertEquals(CommandRunner.FAILED, status);
        assertTrue(text(err).contains("cpu"), text(err));
    }

    @Test
    void helpListsTheHotplugCommands() throws Exception {
        int status = run("help");

        assertEquals(CommandRunner.OK, status, text(err));
        assertTrue(text(out).contains("hotplug:devices"), text(out));
    }

    private int run(String command) throws Exception {
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                GogoSession session = runtime.openSession(new ByteArrayInputStream(new byte[0]), o, e)) {
            return new CommandRunner(session, o, e).run(command);
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
