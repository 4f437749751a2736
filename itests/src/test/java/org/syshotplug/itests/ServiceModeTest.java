package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution as a service, end to end with real processes: {@code bin/syshotplug run}
 * in the foreground, {@code -c} through its control socket, {@code status} and {@code stop}, the
 * data-folder lock against a second runtime, and the simulated machine's state across a restart.
 * Runs only where the distribution has been built (it is built before this module in the reactor).
 */
class ServiceModeTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");
    /** Printed by the launcher on stderr at each start-up step: a client that boots nothing prints none. */
    private static final String TRACE = "-Dsyshotplug.startup.trace=true";

    record Run(int status, String out, String err) {
    }

    @TempDir
    Path work;

    private Path home;
    private Process service;

    @BeforeEach
    void copyDistribution() throws IOException {
        assumeTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/syshotplug")),
                "skipped: the distribution is not built at " + DISTRIBUTION + " (mvn -B -o -pl distribution -am package -DskipTests)");
        home = work.resolve("syshotplug");
        RuntimeOptions.copyDistribution(DISTRIBUTION, home);
    }

    @AfterEach
    void stopService() throws Exception {
        if (service != null && service.isAlive()) {
            cli("stop");
            if (!service.waitFor(60, TimeUnit.SECONDS)) {
                service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void commandsRunInTheServiceWithoutASecondFrameworkAndKeepTheirExitStatus() throws Exception {
        long pid = startService();

        Run devices = cli("-c", "hotplug:devices cpu");
        Run refused = cli("-c", "hotplug:offline cpu:99");
        Run unknown = cli("-c", "hotplug:nosuch");

        assertEquals(0, devices.status(), devices.err());
        assertTrue(devices.out().contains("cpu:3"), devices.out());
        assertFalse(devices.err().contains("[startup"), "the client booted a framework: " + devices.err());
        assertEquals(1, refused.status(), refused.out());
        assertTrue(refused.err().contains("error: ") && refused.err().contains("cpu:99"), refused.err());
        assertEquals(1, unknown.status());
        assertTrue(unknown.err().startsWith("error: "), unknown.err());
        assertEquals(pid, Long.parseLong(Files.readString(home.resolve("data/.lock")).strip()), "the service still holds data/");
    }

    @Test
    void theShellClientAndTheJavaClientPrintTheSameBytesAndStatus() throws Exception {
        assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "socat"))),
                "skipped: socat is not installed, so bin/syshotplug has only the Java client");
        startService();

        for (String command : List.of("hotplug:devices memory", "hotplug:nosuch", "hotplug:history")) {
            Run shipped = cli("-c", command);
            Run java = run(command("-c", command), "java");
            assertEquals(java, shipped, command);
        }
        Path script = Files.writeString(work.resolve("script.txt"),
                "# a comment\n\n\thotplug:devices cpu  \r\nhotplug:nosuch\nhotplug:history\n");
        Run shipped = cli("-f", script.toString());
        assertEquals(run(command("-f", script.toString()), "java"), shipped, "-f");
        assertEquals(1, shipped.status(), "stops at the failing command");
    }

    @Test
    void theControlSocketIsOwnerOnlyAndNoTcpPortListensWithTheShippedEtc() throws Exception {
        long pid = startService();

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data/control.sock"))));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ss")) || Files.isExecutable(Path.of("/bin/ss")), "ss (iproute2) is not installed");
        Run ss = run(List.of("ss", "-ltnpH"));
        assertEquals(0, ss.status(), ss.err());
        assertFalse(ss.out().contains("pid=" + pid + ","), "the service listens on TCP: " + ss.out());
    }

    @Test
    void statusAndStopAnswerForTheService() throws Exception {
        long pid = startService();

        Run status = cli("status");
        Run stop = cli("stop");

        assertEquals(0, status.status(), status.err());
        assertTrue(status.out().contains("pid " + pid) && status.out().contains("simulated x86-acpi"), status.out());
        assertEquals(0, stop.status(), stop.err());
        assertFalse(service.isAlive(), "stop returns once the process has exited");
        assertEquals(0, service.exitValue());
        assertFalse(Files.exists(home.resolve("data/control.sock")), "the socket goes with the service");
        assertEquals(3, cli("status").status());
    }

    @Test
    void theSimulatedMachineSurvivesARestartAndAgreesWithHistory() throws Exception {
        startService();
        Run offline = cli("-c", "hotplug:offline cpu:2");
        assertEquals(0, offline.status(), offline.err());
        assertEquals(0, cli("stop").status());
        assertTrue(service.waitFor(60, TimeUnit.SECONDS));

        startService();
        Run devices = cli("-c", "hotplug:devices cpu");
        Run history = cli("-c", "hotplug:history");

        assertTrue(line(devices.out(), "cpu:2").contains("offline"), devices.out());
        assertTrue(line(history.out(), "cpu:2").contains("SUCCEEDED") && line(history.out(), "cpu:2").contains("offline"),
                history.out());
        assertTrue(line(history.out(), "cpu:2").matches(".* shell +uid:" + Files.getAttribute(Path.of("/proc/self"), "unix:uid")
                + " .*"), "the socket's peer is the request's principal: " + history.out());
    }

    @Test
    void aSecondRuntimeOnTheDataFolderExitsThreeNamingTheHolderAndTheRunningRequestStillSucceeds() throws Exception {
        // CPU 1's online file answers slowly, so the request is still running when the second JVM comes.
        Files.writeString(home.resolve("etc/org.syshotplug.platform.cfg"),
                "\nfaultDelays = /sys/devices/system/cpu/cpu1/online=8000\n", StandardOpenOption.APPEND);
        long pid = startService();
        Process request = new ProcessBuilder(command("-c", "hotplug:offline cpu:1"))
                .redirectOutput(work.resolve("request.out").toFile()).redirectError(work.resolve("request.err").toFile()).start();
        try {
            awaitRunning("cpu:1", request);

            Run second = cli("--profile", "x86-acpi", "-c", "hotplug:devices cpu");

            assertEquals(3, second.status(), second.out() + second.err());
            assertEquals(1, second.err().strip().lines().count(), second.err());
            assertTrue(second.err().contains("process " + pid) && second.err().contains(home.resolve("data").toString()),
                    second.err());
            assertTrue(request.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, request.exitValue(), Files.readString(work.resolve("request.err")));
            assertTrue(Files.readString(work.resolve("request.out")).contains("SUCCEEDED"));
        } finally {
            request.destroyForcibly();
        }
        // The journal is the one the service kept writing: a restart reads the request back as it ended.
        assertEquals(0, cli("stop").status());
        startService();
        String history = cli("-c", "hotplug:history").out();
        assertTrue(line(history, "cpu:1").contains("SUCCEEDED"), history);
        assertFalse(history.contains("ROLLED_BACK") || history.contains("IN_DOUBT") || history.contains("ABORTED"), history);
    }

    /** Starts bin/syshotplug run and returns its pid once the control socket answers. */
    private long startService() throws Exception {
        service = new ProcessBuilder(home.resolve("bin/syshotplug").toString(), "run")
                .redirectOutput(work.resolve("service.out").toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("service.err").toFile())).start();
        Run status = cli("status", "--wait", "120");
        assertEquals(0, status.status(), "the service did not come up: " + status.out() + status.err()
                + Files.readString(work.resolve("service.err")));
        return service.pid();
    }

    /** Asks the service for its requests until one on the device is running (each ask is a real client start). */
    private void awaitRunning(String device, Process submitter) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < giveUp && submitter.isAlive()) {
            Run requests = cli("-c", "hotplug:requests");
            if (requests.out().lines().anyMatch(l -> l.contains(device) && l.contains("RUNNING"))) {
                return;
            }
        }
        throw new AssertionError("the request on " + device + " never showed as RUNNING: "
                + Files.readString(work.resolve("request.out")) + Files.readString(work.resolve("request.err")));
    }

    private Run cli(String... args) throws Exception {
        return run(command(args));
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/syshotplug").toString()));
        command.addAll(List.of(args));
        return command;
    }

    private Run run(List<String> command) throws Exception {
        return run(command, null);
    }

    /** Runs a command line; {@code client} "java" turns off bin/syshotplug's socat fast path. */
    private Run run(List<String> command, String client) throws Exception {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("JAVA_OPTS", TRACE);
        if (client != null) {
            pb.environment().put("SYSHOTPLUG_CLIENT", client);
        }
        Process p = pb.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String line(String table, String device) {
        return table.lines().filter(l -> l.startsWith(device + " ") || l.contains(" " + device + " ")).findFirst().orElse("");
    }
}
