package org.syshotplug.acpi.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * Prints timing figures (not a test: figures live outside assertions). Run from acpi-bundle with the
 * test class path, see the module README.
 */
public final class AcpiFigures {

    private AcpiFigures() {
    }

    interface Action {
        void run() throws Exception;
    }

    static String median(int warmup, int runs, Action action) throws Exception {
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            action.run();
            nanos.add(System.nanoTime() - t);
        }
        Collections.sort(nanos);
        return String.format("median %.3f ms (min %.3f, max %.3f, n=%d)", nanos.get(runs / 2) / 1e6,
                nanos.get(0) / 1e6, nanos.get(runs - 1) / 1e6, runs);
    }

    public static void main(String[] args) throws Exception {
        LinuxSystemFiles real = new LinuxSystemFiles(Path.of("/"));
        System.out.println("namespace read, real /sys (" + new AcpiNamespaceReader(real).read().objects().size()
                + " objects): " + median(20, 101, () -> new AcpiNamespaceReader(real).read()));
        byte[] table = real.readBytes(KernelPaths.MADT);
        System.out.println("MADT read+parse, real table (" + table.length + " bytes): "
                + median(200, 1001, () -> MadtParser.parse(real.readBytes(KernelPaths.MADT))));

        List<Long> removes = new ArrayList<>();
        List<Long> adds = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
            for (int b = 4; b < 8; b++) {
                machine.write(KernelPaths.memoryBlock(b, "state"), "offline");
                machine.write(KernelPaths.memoryBlock(b, "state"), "online_movable");
            }
            try (Sequencer s = Chains.x86Chain(machine, null)) {
                HotplugResult r = s.submit(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("container", "ACPI0004:00")))
                        .getValue();
                check(r);
                removes.add(Duration.between(r.started(), r.finished()).toNanos());
                machine.insertAcpiDevice("ACPI0004:00");
                HotplugResult a = s.submit(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "ACPI0004:00")))
                        .getValue();
                check(a);
                adds.add(Duration.between(a.started(), a.finished()).toNanos());
            }
        }
        System.out.println("container remove on the simulator (2 CPUs, 4 blocks, 7 steps): " + summary(removes));
        System.out.println("container add on the simulator: " + summary(adds));
    }

    private static void check(HotplugResult r) {
        if (r.outcome() != Outcome.SUCCEEDED) {
            throw new IllegalStateException(r.summary());
        }
    }

    private static String summary(List<Long> nanos) {
        List<Long> warm = new ArrayList<>(nanos.subList(10, nanos.size()));
        Collections.sort(warm);
        return String.format("median %.3f ms (min %.3f, max %.3f, n=%d after 10 warm-up)", warm.get(warm.size() / 2) / 1e6,
                warm.get(0) / 1e6, warm.get(warm.size() - 1) / 1e6, warm.size());
    }
}
