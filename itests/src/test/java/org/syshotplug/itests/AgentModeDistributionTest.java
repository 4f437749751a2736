package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.platform.internal.agent.AgentSystemFiles;
import org.syshotplug.platform.testing.X86Guest;

/**
 * The assembled distribution on a real kernel that is not this host's: {@code bin/syshotplug
 * --platform agent --agent-socket} against the Linux 6.1 guest of tools/x86-acpi-guest (QEMU q35,
 * TCG). The firmware plugs CPU 1 (QMP {@code device_add}), the runtime adds it through ACPI and
 * removes it again, ejecting it for real, and the guest's kernel shows it gone. Skipped with the
 * tool's reason where the guest cannot run; runs only where the distribution has been built.
 */
class AgentModeDistributionTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");

    @TempDir
    Path work;

    @Test
    void theDistributionAddsAndEjectsAGuestCpuThroughTheAgent() throws Exception {
        assumeTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/syshotplug")),
                "skipped: the distribution is not built at " + DISTRIBUTION + " (mvn -B -o -pl distribution -am package -DskipTests)");
        long start = System.nanoTime();
        Path home = RuntimeOptions.copyDistribution(DISTRIBUTION, work.resolve("syshotplug"));
        X86Guest guest = X86Guest.boot(work.resolve("guest"), "offline");
        try {
            String release = guest.release();
            Path socket = guest.runDir().resolve("agent.sock");
            assertEquals("", guest.hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1"));
            guest.awaitOst(r -> r.contains("slot=1 source=0x1 status=0x0"), Duration.ofSeconds(30));
            // QEMU serves the agent's serial port to one client at a time: the runtime's turn.
            ((AgentSystemFiles) guest.files()).close();

            List<String> command = new ArrayList<>(List.of(home.resolve("bin/syshotplug").toString(), "--platform", "agent",
                    "--agent-socket", socket.toString(), "-c", "hotplug:devices cpu", "-c", "hotplug:add acpi:LNXCPU:01",
                    "-c", "hotplug:remove acpi:LNXCPU:01"));
            Path out = work.resolve("out.txt");
            Path err = work.resolve("err.txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(command + " did not finish; stderr:\n" + Files.readString(err));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);

            assertEquals(0, p.exitValue(), stdout + stderr);
            assertTrue(stderr.contains("SysHotplug on agent " + socket + " (" + release + ")"), stderr);
            assertTrue(stdout.contains("cpu:1") && stdout.contains("SUCCEEDED: add acpi:LNXCPU:01")
                    && stdout.contains("SUCCEEDED: remove acpi:LNXCPU:01"), stdout);
            try (AgentSystemFiles files = AgentSystemFiles.connect(socket, Duration.ofSeconds(10))) {
                assertEquals("0", files.readValue("/sys/bus/acpi/devices/LNXCPU:01/status"));
                assertEquals("0", files.readValue("/sys/devices/system/cpu/present"));
            }
        } finally {
            guest.close();
            System.out.printf("AgentModeDistributionTest: %.1f s in all, the guest booted in %.1f s%n",
                    (System.nanoTime() - start) / 1e9, guest.bootTime().toMillis() / 1000.0);
        }
    }
}
