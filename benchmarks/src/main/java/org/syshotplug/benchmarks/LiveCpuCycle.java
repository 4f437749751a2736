package org.syshotplug.benchmarks;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * Offline then online of CPU 1 on this machine's real kernel, three ways, interleaved per cycle so
 * that drift (other builds, the hypervisor) hits all three alike:
 * <ol type="a">
 * <li>through SysHotplug: the sequencer with the CPU bundle's validate and online handlers on the
 *     linux platform rooted at {@code /}, and its journal on disk as the runtime keeps it, one
 *     offline and one online request, each awaited ({@code a0}: the same without the journal;
 *     {@code d}: the same two handlers called directly on the caller's thread, no sequencer, which
 *     splits a's cost into the handlers' own work and the sequencer's);</li>
 * <li>{@code chcpu -d 1} then {@code chcpu -e 1} (util-linux), as a shell script would;</li>
 * <li>two {@code write(2)}s of "0" and "1" to {@code cpu1/online} on a descriptor opened
 *     beforehand: the kernel's own cost, the floor.</li>
 * </ol>
 * The order of the ways rotates every cycle. Guarded like the team's live tests: root and a
 * writable sysfs, the exclusive live lock held throughout, CPU 1 only, and CPU 1 online with its
 * cpuhp fail injection disarmed in {@code finally}.
 */
public final class LiveCpuCycle {

    static final Path LOCK = Path.of("/tmp/syshotplug-live.lock");
    static final Path CPU1_ONLINE = Path.of("/sys/devices/system/cpu/cpu1/online");
    static final Path CPU1_FAIL = Path.of("/sys/devices/system/cpu/cpu1/hotplug/fail");
    static final String[] WAYS = {"a-syshotplug", "b-chcpu", "c-write", "a0-no-journal", "d-handlers",
        "cf-write+forces"};

    /**
     * The per-cycle times of each way, in nanoseconds, in cycle order; the journal's forces and bytes
     * per cycle of way a (what way cf adds to c).
     */
    public record Result(long[][] nanos, String loadBefore, String loadAfter, double forcesPerCycle,
            long bytesPerForce) {

        long median(int way) {
            return Stats.median(nanos[way]);
        }

        /** Median of the per-cycle ratios: each cycle's a and c saw the same moment of the machine. */
        double pairedRatio(int way, int over) {
            double[] r = new double[nanos[way].length];
            for (int i = 0; i < r.length; i++) {
                r[i] = (double) nanos[way][i] / nanos[over][i];
            }
            return Stats.median(r);
        }
    }

    private LiveCpuCycle() {
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        // 3 leaves the handlers' code mostly interpreted and the JIT compiling beside it on the one CPU
        // left while CPU 1 is off: the cost of a rare request in a long-lived runtime. About 100 shows the
        // same code compiled.
        int warmups = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String skip = whyNotLive();
        if (skip != null) {
            System.out.println("live CPU cycle skipped: " + skip);
            return;
        }
        Result r = run(cycles, warmups);
        print(r);
    }

    /** Null when the live comparison may run here, else the reason it may not. */
    static String whyNotLive() {
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            boolean writable = Files.isDirectory(Path.of("/sys/devices/system/cpu"))
                    && !Files.getFileStore(Path.of("/sys")).isReadOnly() && Files.isWritable(CPU1_ONLINE);
            if (!root || !writable) {
                return "not root / sysfs read-only (or no hot-pluggable CPU 1)";
            }
            if (!Files.isExecutable(Path.of("/usr/sbin/chcpu")) && !Files.isExecutable(Path.of("/usr/bin/chcpu"))) {
                return "chcpu (util-linux) is not installed";
            }
            return null;
        } catch (IOException e) {
            return "cannot inspect sysfs: " + e.getMessage();
        }
    }

    static Result run(int cycles, int warmups) throws Exception {
        try (FileChannel lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = lockChannel.lock()) {
            restoreCpu1();
            SystemFiles files = new LinuxSystemFiles(Path.of("/"));
            Path journalFolder = Files.createTempDirectory(journalParent(), "live-journal-");
            try (Sequencer sequencer = cpuSequencer(files, journalFolder.resolve("requests.journal"));
                    Sequencer bare = cpuSequencer(files, null);
                    FileChannel online = FileChannel.open(CPU1_ONLINE, StandardOpenOption.WRITE)) {
                CpuValidateHandler validate = new CpuValidateHandler(files);
                CpuOnlineHandler execute = new CpuOnlineHandler(files);
                HotplugRequest offline = HotplugRequest.builder(Operation.OFFLINE).id("live-off")
                        .origin("benchmark").target(DeviceRef.cpu(1)).build();
                HotplugRequest onlineRequest = HotplugRequest.builder(Operation.ONLINE).id("live-on")
                        .origin("benchmark").target(DeviceRef.cpu(1)).build();
                // Way cf: the kernel's two writes plus the forced appends a durable request pair needs,
                // as many and as large as way a's journal made (measured in the warm-up), to a file beside it.
                long[] forcePlan = {0, 0};
                FileOutputStream appends = new FileOutputStream(journalFolder.resolve("forced-appends").toFile(), true);
                Way[] ways = {
                    () -> {
                        require(sequencer.submit(offline).getValue());
                        require(sequencer.submit(onlineRequest).getValue());
                    },
                    () -> {
                        chcpu("-d");
                        chcpu("-e");
                    },
                    () -> {
                        write(online, "0");
                        write(online, "1");
                    },
                    () -> {
                        require(bare.submit(offline).getValue());
                        require(bare.submit(onlineRequest).getValue());
                    },
                    () -> {
                        direct(validate, execute, offline);
                        direct(validate, execute, onlineRequest);
                    },
                    () -> {
                        write(online, "0");
                        write(online, "1");
                        byte[] record = new byte[(int) forcePlan[1]];
                        Arrays.fill(record, (byte) 'x');
                        for (int f = 0; f < forcePlan[0]; f++) {
                            appends.write(record);
                            appends.getFD().sync();
                        }
                    },
                };
                long forces0 = sequencer.journalForces();
                long bytes0 = sequencer.journalBytes();
                for (int i = 0; i < warmups; i++) {
                    ways[0].cycle();
                }
                double forcesPerCycle = (double) (sequencer.journalForces() - forces0) / warmups;
                forcePlan[0] = Math.round(forcesPerCycle);
                forcePlan[1] = Math.max(1, (sequencer.journalBytes() - bytes0) / warmups / Math.max(1, forcePlan[0]));
                for (int i = 0; i < warmups; i++) {
                    for (Way w : ways) {
                        w.cycle();
                    }
                }
                String before = loadAverage();
                long[][] nanos = new long[ways.length][cycles];
                for (int cycle = 0; cycle < cycles; cycle++) {
                    for (int k = 0; k < ways.length; k++) {
                        int way = (cycle + k) % ways.length;
                        long t0 = System.nanoTime();
                        ways[way].cycle();
                        nanos[way][cycle] = System.nanoTime() - t0;
                    }
                }
                appends.close();
                return new Result(nanos, before, loadAverage(), forcesPerCycle, forcePlan[1]);
            } finally {
                restoreCpu1();
                deleteTree(journalFolder);
            }
        }
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "live CPU 1 offline+online, %d interleaved cycles, load %s -> %s%n",
                r.nanos()[0].length, r.loadBefore(), r.loadAfter());
        for (int w = 0; w < WAYS.length; w++) {
            long[] sorted = r.nanos()[w].clone();
            java.util.Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "  %-13s median %8.2f ms  min %8.2f ms  max %8.2f ms%n", WAYS[w],
                    r.median(w) / 1e6, sorted[0] / 1e6, sorted[sorted.length - 1] / 1e6);
        }
        System.out.printf(Locale.ROOT, "  journal of a: %.2f forces per cycle (2 requests), %d bytes per force;"
                + " cf = c + that many forced appends of that size%n", r.forcesPerCycle(), r.bytesPerForce());
        ratios(r).forEach(line -> System.out.println("  " + line));
    }

    /**
     * a/cf, a/c, a/b, a0/c, a0/d and d/c: ratio of the medians, in brackets the median of per-cycle
     * ratios, then the fixed overhead (difference of the medians) in ms. Targets: a/cf and a0/c at most 1.10.
     */
    static List<String> ratios(Result r) {
        int[][] pairs = {{0, 5}, {0, 2}, {0, 1}, {3, 2}, {3, 4}, {4, 2}};
        List<String> out = new ArrayList<>();
        for (int[] p : pairs) {
            out.add(String.format(Locale.ROOT, "%-3s/%-3s %.3f (%.3f)  %+.2f ms", WAYS[p[0]].replaceAll("-.*", ""),
                    WAYS[p[1]].replaceAll("-.*", ""), (double) r.median(p[0]) / r.median(p[1]),
                    r.pairedRatio(p[0], p[1]), (r.median(p[0]) - r.median(p[1])) / 1e6));
        }
        return out;
    }

    private static void direct(CpuValidateHandler validate, CpuOnlineHandler execute, HotplugRequest request)
            throws Exception {
        DirectContext context = new DirectContext(request);
        validate.handle(context);
        execute.handle(context);
    }

    private static Sequencer cpuSequencer(SystemFiles files, Path journal) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(20)), null, journal);
        s.addHandler(new CpuValidateHandler(files), cpuProperties("org.syshotplug.cpu.validate", "validate"));
        s.addHandler(new CpuOnlineHandler(files), cpuProperties("org.syshotplug.cpu.online", "execute"));
        return s;
    }

    private static Path journalParent() {
        Path target = Path.of("benchmarks/target");
        return Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
    }

    private interface Way {
        void cycle() throws Exception;
    }

    private static Map<String, Object> cpuProperties(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase,
                HandlerProperties.PRIORITY, HandlerProperties.CPU,
                HandlerProperties.DEVICES, new String[] {DeviceRef.CPU}, Sequencer.BUNDLE_PROPERTY, "org.syshotplug.cpu");
    }

    private static void require(HotplugResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException("SysHotplug request did not succeed: " + result.summary());
        }
    }

    private static void chcpu(String flag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chcpu", flag, "1").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int status = p.waitFor();
        if (status != 0) {
            throw new IllegalStateException("chcpu " + flag + " 1 exited " + status);
        }
    }

    /** One pwrite(2) at offset 0: sysfs hands each write to the attribute's store() whole. */
    private static void write(FileChannel channel, String value) throws IOException {
        channel.write(ByteBuffer.wrap(value.getBytes(StandardCharsets.US_ASCII)), 0);
    }

    static void deleteTree(Path folder) throws IOException {
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    static void restoreCpu1() {
        try {
            if (Files.exists(CPU1_FAIL)) {
                Files.writeString(CPU1_FAIL, "-1");
            }
        } catch (IOException e) {
            System.err.println("live restore: could not disarm " + CPU1_FAIL + ": " + e.getMessage());
        }
        try {
            if (!"1".equals(Files.readString(CPU1_ONLINE).strip())) {
                Files.writeString(CPU1_ONLINE, "1");
            }
        } catch (IOException e) {
            System.err.println("live restore: could not online CPU 1: " + e.getMessage());
        }
    }
}
