package org.syshotplug.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.memory.internal.BenchmarkMemoryHandlers;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * Big requests on the simulated machine, as issue 12's "lean at scale" targets put them:
 *
 * <pre>
 * java -cp benchmarks.jar org.syshotplug.benchmarks.ScaleProbe cpus 1000 [rounds]
 * java -cp benchmarks.jar org.syshotplug.benchmarks.ScaleProbe memory 4096 [nojournal|direct]
 * java -cp benchmarks.jar org.syshotplug.benchmarks.ScaleProbe pipelined 8 [seconds]
 * </pre>
 *
 * {@code cpus}: one offline then one online request of N CPUs, interleaved per round with the same
 * work done other ways, medians over the rounds: <b>c</b> the simulator's own cost (the same
 * {@code online} writes straight to the simulated machine), <b>d</b> the CPU handlers called
 * directly, <b>a0</b> through the sequencer without journal, <b>a</b> with the journal on disk.
 * Reports (x − c) per CPU per request. {@code memory}: one offline and one online request of N
 * memory blocks in a fresh JVM, and the process's peak RSS ({@code VmHWM}) before and after.
 */
public final class ScaleProbe {

    private static final java.util.concurrent.atomic.AtomicLong EVENTS = new java.util.concurrent.atomic.AtomicLong();

    private ScaleProbe() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "cpus";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int rounds = args.length > 2 && args[2].matches("[0-9]+") ? Integer.parseInt(args[2]) : 10;
        System.out.println("load " + Files.readString(Path.of("/proc/loadavg")).trim() + ", JVM "
                + System.getProperty("java.vm.version") + " " + String.join(" ",
                        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        if (what.equals("memory")) {
            String mode = args.length > 2 ? args[2] : "journal";
            if (mode.equals("direct")) {
                memoryDirect(n);
            } else {
                memory(n, !mode.equals("nojournal"));
            }
        } else if (what.equals("pipelined")) {
            pipelined(n, rounds);
        } else {
            cpus(n, rounds);
        }
    }

    // ------------------------------------------------------------------ CPUs

    private static void cpus(int n, int rounds) throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(Math.max(n + 1, 2), 16);
        List<DeviceRef> cpus = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            cpus.add(DeviceRef.cpu(i));
        }
        Path dir = Files.createTempDirectory("scale-probe");
        try (Sequencer noJournal = cpuChain(machine, null);
                Sequencer journaled = cpuChain(machine, dir.resolve("journal.log"))) {
            HotplugHandler validate = new CpuValidateHandler(machine);
            HotplugHandler online = new CpuOnlineHandler(machine);
            long[][] t = new long[4][rounds];
            for (int r = -3; r < rounds; r++) {
                long[] one = new long[4];
                for (int k = 0; k < 4; k++) {
                    // Rotate the order so drift hits all four alike.
                    int which = (k + Math.max(r, 0)) % 4;
                    long t0 = System.nanoTime();
                    switch (which) {
                        case 0 -> writes(machine, n);
                        case 1 -> direct(validate, online, cpus);
                        case 2 -> cycle(noJournal, cpus);
                        default -> cycle(journaled, cpus);
                    }
                    one[which] = System.nanoTime() - t0;
                }
                if (r >= 0) {
                    for (int k = 0; k < 4; k++) {
                        t[k][r] = one[k];
                    }
                }
            }
            double c = median(t[0]);
            double d = median(t[1]);
            double a0 = median(t[2]);
            double a = median(t[3]);
            double perCpuRequest = 2.0 * n * 1e6; // ns -> ms, two requests of n CPUs
            System.out.printf("CPUS %d per request, offline+online, medians of %d rounds (ms for the pair):%n", n, rounds);
            System.out.printf("  c simulator writes %.1f   d handlers direct %.1f   a0 sequencer %.1f   a sequencer+journal %.1f%n",
                    c / 1e6, d / 1e6, a0 / 1e6, a / 1e6);
            System.out.printf("  per CPU per request over c: d %.4f ms   a0 %.4f ms   a %.4f ms   (target a0 <= 0.05)%n",
                    (d - c) / perCpuRequest, (a0 - c) / perCpuRequest, (a - c) / perCpuRequest);
            System.out.printf("  sequencer's own share (a0 - d) %.4f ms per CPU per request; journal %d bytes%n",
                    (a0 - d) / perCpuRequest, Files.size(dir.resolve("journal.log")));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    private static Sequencer cpuChain(SimulatedMachine machine, Path journal) {
        // Events are built as for EventAdmin (whose delivery is asynchronous), then dropped.
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(120)),
                (topic, properties) -> EVENTS.incrementAndGet(), journal);
        s.addHandler(new CpuValidateHandler(machine), props("org.syshotplug.cpu.validate", "validate",
                HandlerProperties.CPU, DeviceRef.CPU));
        s.addHandler(new CpuOnlineHandler(machine), props("org.syshotplug.cpu.online", "execute",
                HandlerProperties.CPU, DeviceRef.CPU));
        return s;
    }

    private static void writes(SimulatedMachine machine, int n) throws SystemFileException {
        for (int i = 1; i <= n; i++) {
            machine.write(KernelPaths.cpu(i, "online"), "0");
        }
        for (int i = 1; i <= n; i++) {
            machine.write(KernelPaths.cpu(i, "online"), "1");
        }
    }

    private static void direct(HotplugHandler validate, HotplugHandler online, List<DeviceRef> cpus) throws Exception {
        for (Operation op : new Operation[] {Operation.OFFLINE, Operation.ONLINE}) {
            HotplugRequest request = HotplugRequest.builder(op).targets(cpus).build();
            validate.handle(new DirectContext(request));
            online.handle(new DirectContext(request));
        }
    }

    private static void cycle(Sequencer s, List<DeviceRef> devices) throws Exception {
        for (Operation op : new Operation[] {Operation.OFFLINE, Operation.ONLINE}) {
            HotplugResult r = s.submit(HotplugRequest.builder(op).targets(devices).origin("benchmark").build())
                    .getValue();
            if (!r.succeeded()) {
                throw new IllegalStateException(r.summary());
            }
        }
    }

    // ------------------------------------------------------------------ pipelined no-op requests

    /**
     * {@code handlers} no-op execute handlers, one-device requests kept 64 deep in the queue for
     * {@code seconds}, as {@code SequencerBenchmark.sequencerPipelined}; besides the wall-clock
     * rate, the CPU time the worker and the submitter spent per request, which other sessions'
     * load on a shared machine does not inflate the way it inflates wall time.
     */
    private static void pipelined(int handlers, int seconds) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        try (Sequencer s = new Sequencer(SequencerSettings.defaults())) {
            for (int i = 0; i < handlers; i++) {
                s.addHandler(new NoopHandler(), NoopHandler.properties(i));
            }
            HotplugRequest[] batch = new HotplugRequest[SequencerBenchmark.BATCH];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = SequencerBenchmark.request("bench-" + i, 1);
            }
            @SuppressWarnings("unchecked")
            org.osgi.util.promise.Promise<HotplugResult>[] pending = new org.osgi.util.promise.Promise[batch.length];
            long warmEnd = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                burst(s, batch, pending);
            }
            long worker = workerId(mx);
            long w0 = mx.getThreadCpuTime(worker);
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            long end = t0 + seconds * 1_000_000_000L;
            long requests = 0;
            while (System.nanoTime() < end) {
                burst(s, batch, pending);
                requests += batch.length;
            }
            long wall = System.nanoTime() - t0;
            double workerUs = (mx.getThreadCpuTime(worker) - w0) / 1e3 / requests;
            double submitterUs = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / requests;
            System.out.printf("PIPELINED %d no-op handlers, 1 device, %d in flight, %d s: %.0f req/s wall;"
                    + " CPU per request: worker %.2f µs (= %.0f req/s if it had a core), submitter %.2f µs%n",
                    handlers, batch.length, seconds, requests / (wall / 1e9), workerUs, 1e6 / workerUs, submitterUs);
        }
    }

    private static void burst(Sequencer s, HotplugRequest[] batch, org.osgi.util.promise.Promise<HotplugResult>[] pending)
            throws Exception {
        for (int i = 0; i < batch.length; i++) {
            pending[i] = s.submit(batch[i]);
        }
        for (org.osgi.util.promise.Promise<HotplugResult> p : pending) {
            p.getValue();
        }
    }

    private static long workerId(java.lang.management.ThreadMXBean mx) {
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("hotplug-sequencer-")) {
                return t.getThreadId();
            }
        }
        throw new IllegalStateException("no worker thread found");
    }

    // ------------------------------------------------------------------ memory

    private static void memory(int n, boolean withJournal) throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, n + 1);
        List<DeviceRef> blocks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            blocks.add(DeviceRef.memory(i));
        }
        long before = vmHwmKib();
        Path dir = Files.createTempDirectory("scale-probe");
        Path journal = dir.resolve("journal.log");
        try (Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(300)),
                null, withJournal ? journal : null)) {
            s.addHandler(BenchmarkMemoryHandlers.validate(machine), props("org.syshotplug.memory.validate", "validate",
                    HandlerProperties.MEMORY, DeviceRef.MEMORY));
            s.addHandler(BenchmarkMemoryHandlers.online(machine), props("org.syshotplug.memory.online", "execute",
                    HandlerProperties.MEMORY, DeviceRef.MEMORY));
            long t0 = System.nanoTime();
            cycle(s, blocks);
            long took = System.nanoTime() - t0;
            long after = vmHwmKib();
            System.out.printf("MEMORY %d blocks per request, one offline + one online request, %s:%n", n,
                    withJournal ? "journal on disk" : "no journal");
            System.out.printf("  %.1f ms for the pair, %.3f ms per block per request; peak RSS %.1f MiB before, %.1f MiB after"
                    + " (target <= 150); journal %d bytes%n", took / 1e6, took / 1e6 / (2.0 * n), before / 1024.0,
                    after / 1024.0, withJournal ? Files.size(journal) : 0);
        } finally {
            Files.deleteIfExists(journal);
            Files.delete(dir);
        }
    }

    /** The same two requests' handler calls made directly, no sequencer: the handlers' own share. */
    private static void memoryDirect(int n) throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, n + 1);
        List<DeviceRef> blocks = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            blocks.add(DeviceRef.memory(i));
        }
        long before = vmHwmKib();
        HotplugHandler validate = BenchmarkMemoryHandlers.validate(machine);
        HotplugHandler online = BenchmarkMemoryHandlers.online(machine);
        long t0 = System.nanoTime();
        for (Operation op : new Operation[] {Operation.OFFLINE, Operation.ONLINE}) {
            HotplugRequest request = HotplugRequest.builder(op).targets(blocks).build();
            validate.handle(new DirectContext(request));
            online.handle(new DirectContext(request));
        }
        long took = System.nanoTime() - t0;
        System.out.printf("MEMORY %d blocks, the handlers called directly (no sequencer):%n", n);
        System.out.printf("  %.1f ms for the pair, %.3f ms per block per request; peak RSS %.1f MiB before, %.1f MiB after%n",
                took / 1e6, took / 1e6 / (2.0 * n), before / 1024.0, vmHwmKib() / 1024.0);
    }

    private static long vmHwmKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static Map<String, Object> props(String name, String phase, int priority, String type) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY, priority,
                HandlerProperties.DEVICES, new String[] {type}, Sequencer.BUNDLE_PROPERTY, "benchmark");
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
