package org.syshotplug.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * The journal's own figures, on the simulated 1,024-CPU machine with the real CPU validate and
 * online handlers and the journal on this machine's disk: forces per request for 1 and 1,000 CPUs
 * (the sequencer's count of fsyncs), journal bytes per device (offline+online), and the engine's
 * start (journal read, recovery done) on a fresh journal and on one left by 100 1,000-CPU requests.
 * {@code java -cp benchmarks/target/benchmarks.jar org.syshotplug.benchmarks.JournalFigures}
 */
public final class JournalFigures {

    private JournalFigures() {
    }

    public static void main(String[] args) throws Exception {
        Path folder = Files.createTempDirectory(Files.isDirectory(Path.of("benchmarks/target"))
                ? Path.of("benchmarks/target") : Path.of(System.getProperty("java.io.tmpdir")), "journal-figures-");
        try {
            String before = LiveCpuCycle.loadAverage();
            SimulatedMachine machine = SimulatedMachine.x86Acpi(1024, 16);
            Path journal = folder.resolve("journal.log");
            List<String> lines = new ArrayList<>();
            try (Sequencer s = sequencer(machine, journal)) {
                s.recovery().getValue();
                cycle(s, 1, "warm");
                for (int cpus : new int[] {1, 1000}) {
                    long forces = s.journalForces();
                    long bytes = s.journalBytes();
                    int rounds = cpus == 1 ? 20 : 5;
                    for (int i = 0; i < rounds; i++) {
                        cycle(s, cpus, "f" + cpus + "-" + i);
                    }
                    double perRequest = (double) (s.journalForces() - forces) / (2 * rounds);
                    long grew = s.journalBytes() - bytes;
                    lines.add(String.format(Locale.ROOT, "%5d CPUs: %.2f forces per request; offline+online adds %s"
                            + " bytes, %.1f bytes per device", cpus, perRequest,
                            grew < 0 ? "(compacted meanwhile)" : Long.toString(grew / rounds),
                            grew < 0 ? Double.NaN : (double) grew / rounds / cpus));
                }
            }
            Path fresh = folder.resolve("fresh.log");
            Path full = folder.resolve("full.log");
            try (Sequencer s = sequencer(machine, full)) {
                s.recovery().getValue();
                for (int i = 0; i < 50; i++) {
                    cycle(s, 1000, "h" + i);
                }
            }
            long fullBytes = Files.size(full);
            String keep = System.getProperty("journal.figures.keep");
            if (keep != null) {
                // For a start-up of the whole runtime on this journal (benchmarks/README.md shows how).
                Files.copy(full, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            long[] freshStart = new long[7];
            long[] fullStart = new long[7];
            for (int i = 0; i < freshStart.length; i++) {
                Files.deleteIfExists(fresh);
                freshStart[i] = start(machine, fresh);
                fullStart[i] = start(machine, full);
            }
            System.out.printf(Locale.ROOT, "journal figures, load %s -> %s%n", before, LiveCpuCycle.loadAverage());
            lines.forEach(l -> System.out.println("  " + l));
            System.out.printf(Locale.ROOT, "  start (journal read, recovery done), median of %d interleaved after one"
                    + " warm-up: fresh %.2f ms, after 100 1,000-CPU requests (file %d bytes) %.2f ms, ratio %.3f%n",
                    freshStart.length - 1, median(freshStart) / 1e6, fullBytes, median(fullStart) / 1e6,
                    (double) median(fullStart) / median(freshStart));
        } finally {
            LiveCpuCycle.deleteTree(folder);
        }
    }

    private static long start(SimulatedMachine machine, Path journal) throws Exception {
        long t0 = System.nanoTime();
        try (Sequencer s = sequencer(machine, journal)) {
            s.recovery().getValue();
            s.history(1);
            return System.nanoTime() - t0;
        }
    }

    /** Median of all but the first (warm-up) sample. */
    private static long median(long[] samples) {
        long[] rest = Arrays.copyOfRange(samples, 1, samples.length);
        Arrays.sort(rest);
        return rest[rest.length / 2];
    }

    private static void cycle(Sequencer s, int cpus, String id) throws Exception {
        List<DeviceRef> devices = new ArrayList<>();
        for (int i = 1; i <= cpus; i++) {
            devices.add(DeviceRef.cpu(i));
        }
        require(s.submit(HotplugRequest.builder(Operation.OFFLINE).id(id + "-off").origin("benchmark")
                .targets(devices).build()).getValue());
        require(s.submit(HotplugRequest.builder(Operation.ONLINE).id(id + "-on").origin("benchmark")
                .targets(devices).build()).getValue());
    }

    private static Sequencer sequencer(SimulatedMachine machine, Path journal) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)), null,
                journal);
        s.addHandler(new CpuValidateHandler(machine), properties("org.syshotplug.cpu.validate", "validate"));
        s.addHandler(new CpuOnlineHandler(machine), properties("org.syshotplug.cpu.online", "execute"));
        return s;
    }

    private static void require(HotplugResult r) {
        if (!r.succeeded()) {
            throw new IllegalStateException("request did not succeed: " + r.summary());
        }
    }

    private static Map<String, Object> properties(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase,
                HandlerProperties.PRIORITY, HandlerProperties.CPU,
                HandlerProperties.DEVICES, new String[] {DeviceRef.CPU}, Sequencer.BUNDLE_PROPERTY, "org.syshotplug.cpu");
    }
}
