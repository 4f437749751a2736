package org.syshotplug.platform.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.X86AcpiQemuProfile;
import org.syshotplug.platform.sim.QemuMonitor;
import org.syshotplug.platform.testing.X86Guest;

/**
 * The simulated {@code x86-acpi-qemu} machine against a real Linux 6.1 x86-64 kernel doing ACPI CPU
 * and DIMM hot-plug under QEMU q35: every step of a plan ({@code x86-guest/plan.txt} for a boot with
 * {@code memhp_default_state=offline}, {@code plan-online.txt} and {@code plan-online_movable.txt}
 * for the kernel onlining DIMMs itself) runs on both, and the outcome of every write and monitor
 * command, the {@code _OST} reports, the hot-plug kernel messages and the CPU, memory, node and ACPI
 * state after each step must be the same. The live tests boot the guest with tools/x86-acpi-guest
 * (skipped with the tool's one-line reason where QEMU or the packages cannot be had) and keep each
 * run as {@code target/x86-guest/recorded-run[-STATE].txt}; the recorded runs in the test resources
 * are replayed on the simulator everywhere.
 */
class X86GuestDifferentialTest {

    private static final Path OUT = Path.of("target", "x86-guest");
    /** A boot block's answer in the probe step: {@code memory6 offline=EBUSY}, {@code memory1 offline=ok}. */
    private static final Pattern PROBE = Pattern.compile("memory([0-9]+) offline=(ok|EBUSY)");

    @ParameterizedTest(name = "memhp_default_state={0}")
    @ValueSource(strings = {"offline", "online", "online_movable"})
    void recordedGuestRunReplaysIdenticallyOnTheSimulator(String memhp) throws Exception {
        byte[] recorded;
        try (InputStream in = getClass().getResourceAsStream("/x86-guest/" + recordName(memhp))) {
            recorded = in.readAllBytes();
        }
        List<X86Run.StepResult> kernel = X86Run.parse(recorded);
        assertSame(memhp, kernel, simulate(memhp, kernel), OUT.resolve("recorded-differential" + suffix(memhp) + ".txt"));
    }

    @ParameterizedTest(name = "memhp_default_state={0}")
    @ValueSource(strings = {"offline", "online", "online_movable"})
    void liveGuestRunOnTheRealKernelMatchesTheSimulator(String memhp) throws Exception {
        Files.createDirectories(OUT);
        long start = System.nanoTime();
        List<X86Run.StepResult> kernel;
        try (X86Guest guest = X86Guest.boot(OUT.resolve("live" + suffix(memhp)), memhp)) {
            kernel = X86Run.run(X86Plan.load(memhp), new X86Run.Target() {
                @Override
                public SystemFiles files() {
                    return guest.files();
                }

                @Override
                public QemuMonitor monitor() {
                    return guest;
                }

                @Override
                public void settle(String ostText, Duration timeout) throws InterruptedException {
                    if (ostText != null) {
                        try {
                            guest.awaitOst(r -> r.contains(ostText), timeout);
                        } catch (AssertionError notSeen) {
                            // the step's result says NOT SEEN and the comparison shows it
                        }
                    }
                }
            });
            Files.writeString(OUT.resolve(recordName(memhp)), "# x86 guest differential run of " + Instant.now()
                    + ": Linux " + guest.release() + ", memhp_default_state=" + memhp + "\n" + X86Run.format(kernel));
            System.out.printf("x86 guest differential (memhp_default_state=%s): %s, boot %d ms, %d steps in %d s%n",
                    memhp, guest.release(), guest.bootTime().toMillis(), kernel.size(),
                    (System.nanoTime() - start) / 1_000_000_000L);
        }
        assertSame(memhp, kernel, simulate(memhp, kernel), OUT.resolve("live-differential" + suffix(memhp) + ".txt"));
    }

    private static String suffix(String memhp) {
        return memhp.equals("offline") ? "" : "-" + memhp;
    }

    private static String recordName(String memhp) {
        return "recorded-run" + suffix(memhp) + ".txt";
    }

    /**
     * The plan on the simulator. Which boot blocks hold unmovable pages differs from boot to boot
     * (memory2 and memory3 in one capture, memory6 in another), so the simulator takes them from the
     * kernel run's last step, the offline probe of every boot block; nothing before it touches them.
     */
    private static List<X86Run.StepResult> simulate(String memhp, List<X86Run.StepResult> kernel) throws Exception {
        SimulatedMachine machine = SimulatedMachine.create(SimConfig.builder().profile(X86AcpiQemuProfile.NAME)
                .autoOnlineBlocks(memhp).build());
        Matcher probe = PROBE.matcher(String.join("\n", kernel.get(kernel.size() - 1).results()));
        while (probe.find()) {
            machine.setUnmovable(Integer.parseInt(probe.group(1)), probe.group(2).equals("EBUSY"));
        }
        QemuMonitor qemu = machine.qemuMonitor().orElseThrow();
        return X86Run.run(X86Plan.load(memhp), new X86Run.Target() {
            @Override
            public SystemFiles files() {
                return machine;
            }

            @Override
            public QemuMonitor monitor() {
                return qemu;
            }

            @Override
            public void settle(String ostText, Duration timeout) throws InterruptedException {
                machine.awaitHotplugIdle(timeout);
            }
        });
    }

    private static void assertSame(String memhp, List<X86Run.StepResult> kernel, List<X86Run.StepResult> simulator,
            Path table) throws IOException {
        List<X86Run.Row> rows = X86Run.compare(kernel, simulator);
        Files.createDirectories(table.toAbsolutePath().getParent());
        Files.writeString(table, X86Run.table(rows));
        long different = rows.stream().filter(r -> !r.same()).count();
        assertEquals(X86Plan.load(memhp).steps().size(), kernel.size(), "steps of the kernel run");
        assertTrue(different == 0, different + " of " + rows.size() + " compared items differ between the kernel and the"
                + " simulator; table in " + table.toAbsolutePath() + ":\n" + X86Run.table(rows.stream()
                        .filter(r -> !r.same()).toList()));
    }
}
