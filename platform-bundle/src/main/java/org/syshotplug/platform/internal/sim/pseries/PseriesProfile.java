package org.syshotplug.platform.internal.sim.pseries;

import java.util.ArrayList;
import java.util.List;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.CpuhpStates;
import org.syshotplug.platform.internal.sim.FirmwareState;
import org.syshotplug.platform.internal.sim.SimAttribute;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimCpus;
import org.syshotplug.platform.internal.sim.SimMemory;
import org.syshotplug.platform.internal.sim.SimNodes;
import org.syshotplug.platform.internal.sim.SimProfile;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * A POWER logical partition (QEMU {@code -machine pseries} or a PowerVM LPAR): CPU cores and logical
 * memory blocks behind DRCs, the post-CAS {@code /proc/device-tree} with the DRC properties, the
 * Linux 6.1 {@code /sys/kernel/dlpar} ({@link PseriesKernel}), and the OS-side CPU and memory files
 * of what is present. Found by {@code SimProfiles} through its package naming convention.
 *
 * <p>Sizes: {@link SimConfig#cpus()} cores present at boot, {@link SimConfig#possibleCpus()} CPU DRCs
 * (QEMU maxcpus), {@link SimConfig#memoryBlocks()} boot LMBs (RAM below device memory, no DRC).
 * Extra keys:
 * <ul>
 * <li>{@value #DEVICE_LMBS}: LMB DRCs of device memory (maxmem - mem) / lmb-size, default 24;</li>
 * <li>{@value #ASSIGNED_LMBS}: the first of them assigned at boot (a cold-plugged DIMM), default 2;</li>
 * <li>{@value #LMB_SIZE}: bytes, default 0x10000000 (256 MiB, QEMU and PowerVM's usual size);</li>
 * <li>{@value #FIRMWARE}: {@code phyp} (default: every DRC has a resource the partition may take, as
 * an LPAR with unassigned resources) or {@code qemu} (only cores and DIMMs that were device_add'ed,
 * and LMB isolation refused unless the hypervisor asked for the LMB back, as QEMU 7.2 does);</li>
 * <li>{@value #THREADS}: hardware threads per core, default 1.</li>
 * </ul>
 */
public final class PseriesProfile implements SimProfile {
    public static final String NAME = "pseries";
    public static final String DEVICE_LMBS = "pseries.device-lmbs";
    public static final String ASSIGNED_LMBS = "pseries.assigned-lmbs";
    public static final String LMB_SIZE = "pseries.lmb-size";
    public static final String FIRMWARE = "pseries.firmware";
    public static final String THREADS = "pseries.threads";
    private static final long DEFAULT_LMB_SIZE = 0x1000_0000L;
    private static final long CPU_DRC_BASE = 0x1000_0000L;
    private static final long LMB_DRC_BASE = 0x8000_0000L;

    @Override
    public String name() {
        return NAME;
    }

    /** The QEMU 7.2 guest of the differential run: {@code -smp 2,maxcpus=8 -m 2G,slots=4,maxmem=8G} plus a 512 MiB DIMM. */
    public static SimConfig qemuGuest() {
        return SimConfig.builder().profile(NAME).cpus(2).possibleCpus(8).memoryBlocks(8)
                .blockSizeBytes(DEFAULT_LMB_SIZE).extra(FIRMWARE, "qemu").build();
    }

    /** An LPAR whose unassigned LMBs and cores the partition may take: the default for demos and chain tests. */
    public static SimConfig lpar(int cores, int maxCores, int bootLmbs, int deviceLmbs, int assignedLmbs) {
        return SimConfig.builder().profile(NAME).cpus(cores).possibleCpus(maxCores).memoryBlocks(bootLmbs)
                .blockSizeBytes(DEFAULT_LMB_SIZE).extra(DEVICE_LMBS, Integer.toString(deviceLmbs))
                .extra(ASSIGNED_LMBS, Integer.toString(assignedLmbs)).build();
    }

    @Override
    public void populate(SysfsTree tree, SimConfig config) {
        int threads = config.extraInt(THREADS, 1);
        long lmbSize = Long.decode(config.extra().getOrDefault(LMB_SIZE, "0x" + Long.toHexString(DEFAULT_LMB_SIZE)));
        boolean qemu = "qemu".equals(config.extra().getOrDefault(FIRMWARE, "phyp"));
        int deviceLmbs = config.extraInt(DEVICE_LMBS, 24);
        int assigned = config.extraInt(ASSIGNED_LMBS, 2);
        int bootLmbs = config.memoryBlocks();
        int cores = config.cpus();
        int maxCores = config.possibleCpus();
        if (assigned > deviceLmbs || lmbSize % config.blockSizeBytes() != 0) {
            throw new IllegalArgumentException("pseries: " + ASSIGNED_LMBS + " " + assigned + " exceeds " + DEVICE_LMBS
                    + " " + deviceLmbs + ", or the LMB size is not a multiple of the block size");
        }

        // One node, as QEMU's pseries machine without -numa: every LMB's lookup array row says domain 0.
        SimNodes nodes = new SimNodes(tree, 1);
        SimCpus cpus = new SimCpus(tree, CpuhpStates.x86Vm(), nodes, maxCores * threads, cpu -> true, cpu -> 0,
                config.cpuhpStateControl());
        tree.register(SimCpus.class, cpus);
        SimMemory memory = new SimMemory(tree, nodes, config.blockSizeBytes(), config.autoOnlineBlocks(), true,
                id -> 0);

        List<PapDrc> cpuDrcs = new ArrayList<>();
        for (int core = 0; core < maxCores; core++) {
            cpuDrcs.add(new PapDrc(CPU_DRC_BASE + core, "CPU " + core, "CPU", !qemu || core < cores));
        }
        List<PseriesKernel.Lmb> lmbs = new ArrayList<>();
        List<PapDrc> lmbDrcs = new ArrayList<>();
        for (int i = 0; i < bootLmbs; i++) {
            lmbs.add(new PseriesKernel.Lmb(i * lmbSize, null, PseriesKernel.NO_AA,
                    PseriesKernel.DRCONF_RESERVED | PseriesKernel.DRCONF_DRC_INVALID));
        }
        for (int i = 0; i < deviceLmbs; i++) {
            int n = bootLmbs + i;
            PapDrc drc = new PapDrc(LMB_DRC_BASE + n, "LMB " + n, "MEM", !qemu || i < assigned);
            lmbDrcs.add(drc);
            boolean boot = i < assigned;
            if (boot) {
                drc.assignAtBoot();
            }
            lmbs.add(new PseriesKernel.Lmb(n * lmbSize, drc, boot ? 0 : PseriesKernel.NO_AA,
                    boot ? PseriesKernel.DRCONF_ASSIGNED | PseriesKernel.DRCONF_HOTREMOVABLE : 0));
        }

        PseriesDeviceTree dt = new PseriesDeviceTree(tree);
        dt.populate(cpuDrcs, lmbDrcs, () -> lmbs, lmbSize, (long) (bootLmbs + deviceLmbs) * lmbSize, maxCores, 0x1001);
        PseriesKernel kernel = new PseriesKernel(tree, cpus, memory, dt, cpuDrcs, lmbs, threads, lmbSize, qemu);
        tree.register(PseriesKernel.class, kernel);
        tree.register(PseriesHypervisor.class, new PseriesHypervisor(tree, kernel));
        tree.register(FirmwareState.class, new PseriesState(tree, kernel, cpus, memory, lmbSize));

        int perLmb = (int) (lmbSize / config.blockSizeBytes());
        for (PseriesKernel.Lmb l : lmbs) {
            if (l.drc == null || l.assigned()) {
                int first = (int) (l.base / config.blockSizeBytes());
                for (int b = first; b < first + perLmb; b++) {
                    memory.addBlock(b, true, SimMemory.Zone.NORMAL);
                }
            }
        }
        for (int core = 0; core < cores; core++) {
            PapDrc drc = cpuDrcs.get(core);
            drc.assignAtBoot();
            int[] logical = new int[threads];
            for (int t = 0; t < threads; t++) {
                logical[t] = core * threads + t;
            }
            kernel.attach(new PseriesKernel.CoreNode(drc.index, core * threads, logical));
        }

        tree.dir("/sys/kernel").readWrite("dlpar", () -> "memory,cpu", kernel::store);
        // The file shows its kernel mode and PAGE_SIZE like any sysfs file; tools only read and write it.
        assert tree.lookup(KernelPaths.DLPAR) instanceof SimAttribute;
    }

    @Override
    public String describe(SimConfig config) {
        return NAME + " " + config.cpus() + "/" + config.possibleCpus() + " cores, " + config.memoryBlocks()
                + " boot LMBs + " + config.extraInt(DEVICE_LMBS, 24) + " LMB DRCs ("
                + config.extra().getOrDefault(FIRMWARE, "phyp") + " firmware)";
    }
}
