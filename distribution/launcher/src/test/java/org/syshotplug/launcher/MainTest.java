package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void helpPrintsUsageAndExitsZero() {
        int status = run("--help");

        assertEquals(Main.EXIT_OK, status);
        assertTrue(text(out).startsWith("Usage: syshotplug"), text(out));
    }

    @Test
    void unknownOptionExitsWithUsageStatusAndSaysWhich() {
        int status = run("--bogus");

        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(text(err).contains("--bogus"), text(err));
    }

    @Test
    void unknownPlatformIsRefusedBeforeAnythingStarts() {
        int status = run("--platform", "windows", "-c", "lb");

        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(text(err).contains("simulated, linux or agent"), text(err));
    }

    @Test
    void commandsAndScriptTogetherAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"-c", "lb", "-f", "x.txt"}));
    }

    @Test
    void optionWithoutValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"-c"}));
    }

    @Test
    void repeatedCommandsKeepTheirOrder() {
        Main.Options options = Main.parse(new String[] {"-c", "hotplug:offline cpu:2", "-c", "hotplug:devices cpu"});

        assertEquals(List.of("hotplug:offline cpu:2", "hotplug:devices cpu"), options.commands());
        assertTrue(!options.interactive());
    }

    @Test
    void scriptSkipsBlankLinesAndComments(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("s.txt");
        Files.writeString(script, "# offline then list\nhotplug:offline cpu:2\n\n   hotplug:devices cpu  \n");

        assertEquals(List.of("hotplug:offline cpu:2", "hotplug:devices cpu"), Main.readScript(script));
    }

    @Test
    void missingScriptExitsWithUsageStatus(@TempDir Path dir) {
        int status = run("-f", dir.resolve("none.txt").toString());

        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(text(err).contains("does not exist"), text(err));
    }

    @Test
    void homeWithoutBundlesExitsWithNotStartedStatus(@TempDir Path dir) {
        int status = run("--home", dir.toString(), "-c", "lb");

        assertEquals(Main.EXIT_NOT_STARTED, status);
        assertTrue(text(err).contains("bundle folder"), text(err));
    }

    @Test
    void verbsAreParsedAndCannotTakeCommands() {
        assertEquals("run", Main.parse(new String[] {"run", "--platform", "linux"}).verb());
        assertEquals(7, Main.parse(new String[] {"status", "--wait", "7"}).waitSeconds());
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"run", "-c", "lb"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"status", "stop"}));
        assertThrows(IllegalArgumentException.class, () -> Main.parse(new String[] {"--wait", "3"}));
    }

    @Test
    void unknownVerbIsNamed() {
        int status = run("restart");

        assertEquals(Main.EXIT_USAGE, status);
        assertTrue(text(err).contains("'restart'") && text(err).contains("run, status or stop"), text(err));
    }

    @Test
    void statusWithNoServiceSaysNotRunningWithStatusThree(@TempDir Path home) {
        int status = run("--home", home.toString(), "status");

        assertEquals(Main.EXIT_NOT_STARTED, status);
        assertTrue(text(out).contains("not running"), text(out));
    }

    @Test
    void stopWithNoServiceIsNotAnError(@TempDir Path home) {
        assertEquals(Main.EXIT_OK, run("--home", home.toString(), "stop"));
    }

    @Test
    void commandsGoToTheRunningServiceAndItsOutputAndStatusComeBack(@TempDir Path home) throws Exception {
        Path socket = Files.createDirectories(home.resolve("data")).resolve(ControlClient.SOCKET);
        try (FakeService service = new FakeService(socket, "otable line\nOprompt> \nealas\nx1\n")) {
            int status = run("--home", home.toString(), "-c", "hotplug:devices cpu", "-c", "two\nlines");

            assertEquals(1, status);
            assertEquals("table line\nprompt> ", text(out));
            assertEquals("alas\n", text(err));
            assertEquals("SYSHOTPLUG/1 exec\nhotplug:devices cpu\ntwo\\nlines\n", service.request());
        }
    }

    @Test
    void aServiceThatHangsUpWithoutAStatusIsAFailure(@TempDir Path home) throws Exception {
        Path socket = Files.createDirectories(home.resolve("data")).resolve(ControlClient.SOCKET);
        try (FakeService service = new FakeService(socket, "opartial\n")) {
            assertEquals(Main.EXIT_FAILED, run("--home", home.toString(), "-c", "lb"));
            assertTrue(text(err).contains("before it gave a status"), text(err));
        }
    }

    private int run(String... args) {
        return LauncherRun.run(out, err, args);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
