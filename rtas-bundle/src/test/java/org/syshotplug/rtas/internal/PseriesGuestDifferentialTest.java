package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesHypervisor;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;

/**
 * The simulated pseries machine against the real Linux kernel: the same DLPAR writes, sysfs steps
 * and QEMU hot-plug phases, replayed on {@code PseriesProfile.qemuGuest()}, must give the same
 * errno, the same DLPAR kernel messages and the same CPU, memory-block and device-tree state.
 * One test replays the run recorded in the fixtures; the other boots the guest now with
 * tools/pseries-guest/run.sh (skipped with the script's reason when QEMU or the ppc64el packages
 * cannot be had).
 */
class PseriesGuestDifferentialTest {
    private static final String DRMEM = KernelPaths.DEVICE_TREE + "/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2";
    private static final long DIMM2_FIRST_LMB = 0x8000000aL;

    /** One row of the differential table. */
    record Row(int step, String kind, String input, String real, String simulated, boolean same) {
    }

    @Test
    void recordedGuestRunReplaysIdenticallyOnTheSimulator() throws Exception {
        String console;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/pseries/guest-differential-console.log")) {
            console = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertSame(replay(GuestRun.parse(console)), Path.of("target", "pseries-guest", "recorded-differential.txt"));
    }

    @Test
    void everyProbeOfTheFirstGuestRunGetsTheKernelsErrnoAndMessagesFromTheSimulator() throws Exception {
        String log;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/pseries/guest-dlpar-probes.log")) {
            log = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        GuestRun run = GuestRun.parseProbeLog(log);
        // That run's page dumps name pfn 0x8a00 (64 KiB pages): memory block 8 held unmovable pages.
        run.unmovableBlocks.add(8);
        assertEquals(24, run.events.size());
        List<Row> rows = replay(run);
        Path table = Path.of("target", "pseries-guest", "probe-log-differential.txt");
        assertSame(rows, table, 24);
    }

    @Test
    void liveGuestRunOnTheRealKernelMatchesTheSimulator() throws Exception {
        Path script = Path.of("..", "tools", "pseries-guest", "run.sh").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isExecutable(script), "skipped: " + script + " is missing");
        Path out = Path.of("target", "pseries-guest").toAbsolutePath();
        Files.createDirectories(out);
        Process p = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true)
                .redirectOutput(out.resolve("run.log").toFile()).start();
        if (!p.waitFor(175, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the guest run took longer than 175 s; see " + out.resolve("run.log"));
        }
        String log = Files.readString(out.resolve("run.log"));
        Assumptions.assumeFalse(p.exitValue() == 77, () -> "skipped: the real-kernel run cannot run here: "
                + log.lines().filter(l -> l.startsWith("SKIP:")).findFirst().orElse(log.strip()));
        assertEquals(0, p.exitValue(), "tools/pseries-guest/run.sh failed:\n" + log);
        GuestRun run = GuestRun.parse(Files.readString(out.resolve("guest-console.log")));
        assertSame(replay(run), out.resolve("live-differential.txt"));
    }

    private static void assertSame(List<Row> rows, Path table) throws IOException {
        assertSame(rows, table, 41);
    }

    private static void assertSame(List<Row> rows, Path table, int minimumSteps) throws IOException {
        StringBuilder b = new StringBuilder(String.format("%-4s %-8s %-44s %-8s %-8s %s%n", "STEP", "KIND", "INPUT", "KERNEL",
                "SIM", "SAME"));
        for (Row r : rows) {
            b.append(String.format("%-4d %-8s %-44s %-8s %-8s %s%n", r.step(), r.kind(), r.input().replace("\n", "\\n"),
                    shortOf(r.real()), shortOf(r.simulated()), r.same() ? "yes" : "NO"));
        }
        Files.createDirectories(table.toAbsolutePath().getParent());
        Files.writeString(table, b.toString());
        List<String> differences = new ArrayList<>();
        for (Row r : rows) {
            if (!r.same()) {
                differences.add("step " + r.step() + " " + r.kind() + " [" + r.input().replace("\n", "\\n") + "]\n  kernel:    "
                        + r.real() + "\n  simulator: " + r.simulated());
            }
        }
        assertTrue(rows.size() >= minimumSteps, "the run has " + rows.size() + " steps");
        assertTrue(differences.isEmpty(), "the simulator differs from the kernel (table in " + table + "):\n"
                + String.join("\n", differences));
    }

    private static String shortOf(String outcome) {
        return outcome.startsWith("{") ? "state" : outcome.split(" ", 2)[0];
    }

    static List<Row> replay(GuestRun run) throws Exception {
        SimulatedMachine machine = SimulatedMachine.create(PseriesProfile.qemuGuest());
        for (int block : run.unmovableBlocks) {
            machine.setUnmovable(block, true);
        }
        PseriesHypervisor hv = machine.tree().model(PseriesHypervisor.class);
        List<Row> rows = new ArrayList<>();
        int n = 0;
        for (GuestRun.Event e : run.events) {
            n++;
            hv.clearKernelLog();
            if (e.kind().equals("STATE")) {
                Map<String, String> sim = state(machine);
                Map<String, String> real = new LinkedHashMap<>(e.state());
                rows.add(new Row(n, "STATE", e.input(), real.toString(), sim.toString(), real.equals(sim)));
                continue;
            }
            Errno errno = null;
            switch (e.kind()) {
                case "WRITE" -> errno = write(machine, KernelPaths.DLPAR, e.input());
                case "STEP" -> {
                    String[] step = e.input().split(" ");
                    int block = Integer.parseInt(step[1].substring("memory".length()));
                    errno = write(machine, KernelPaths.memoryBlock(block, "state"), step[0]);
                }
                case "HOTPLUG" -> {
                    boolean add = e.input().equals("device_add");
                    Errno dimm = add ? hv.plugDimm(DIMM2_FIRST_LMB, 2) : hv.unplugDimm(DIMM2_FIRST_LMB, 2);
                    Errno core = add ? hv.plugCore(2) : hv.unplugCore(2);
                    errno = dimm != null ? dimm : core;
                }
                default -> throw new IllegalStateException(e.kind());
            }
            List<String> kmsg = hv.kernelLog().stream().flatMap(l -> Arrays.stream(l.split("\n", -1)))
                    .filter(GuestRun::dlparMessage).toList();
            String real = (e.errno() == null ? "OK" : e.errno().name()) + " " + e.kmsg();
            String sim = (errno == null ? "OK" : errno.name()) + " " + kmsg;
            rows.add(new Row(n, e.kind(), e.input(), real, sim, real.equals(sim)));
        }
        return rows;
    }

    private static Errno write(SimulatedMachine machine, String path, String value) {
        try {
            machine.write(path, value);
            return null;
        } catch (SystemFileException ex) {
            return ex.errno();
        }
    }

    /** The same snapshot guest-init.sh prints in its STATE lines. */
    static Map<String, String> state(SimulatedMachine m) throws SystemFileException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("cpu-present", m.readValue(KernelPaths.CPU_ROOT + "/present"));
        s.put("cpu-online", m.readValue(KernelPaths.CPU_ROOT + "/online"));
        StringBuilder blocks = new StringBuilder();
        for (String name : m.list(KernelPaths.MEMORY_ROOT)) {
            if (name.matches("memory[0-9]+")) {
                int id = Integer.parseInt(name.substring(6));
                blocks.append(id).append(':').append(m.readValue(KernelPaths.memoryBlock(id, "state"))).append(' ');
            }
        }
        s.put("memory-blocks", GuestRun.normalize("memory-blocks", blocks.toString()));
        StringBuilder hex = new StringBuilder();
        byte[] v2 = m.readBytes(DRMEM);
        for (int i = 0; i + 4 <= v2.length; i += 4) {
            hex.append(String.format("%02x%02x%02x%02x ", v2[i], v2[i + 1], v2[i + 2], v2[i + 3]));
        }
        s.put("drmem-v2", GuestRun.normalize("drmem-v2", hex.toString()));
        StringBuilder nodes = new StringBuilder();
        for (String name : m.list(KernelPaths.DEVICE_TREE + "/cpus")) {
            if (name.contains("@")) {
                byte[] idx = m.readBytes(KernelPaths.child(KernelPaths.child(KernelPaths.DEVICE_TREE + "/cpus", name),
                        "ibm,my-drc-index"));
                nodes.append(name).append(':').append(String.format("%02x%02x%02x%02x", idx[0], idx[1], idx[2], idx[3]))
                        .append(' ');
            }
        }
        s.put("cpu-nodes", GuestRun.normalize("cpu-nodes", nodes.toString()));
        return s;
    }
}
