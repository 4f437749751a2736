package org.syshotplug.platform.internal.sim.pseries;

import java.util.List;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * The hypervisor side of the simulated partition, for tests and demos: what QEMU's monitor does with
 * {@code device_add}/{@code device_del} of a DIMM or a CPU core. As with QEMU, the guest kernel
 * handles the resulting hot-plug event itself (DIMMs arrive as indexed-count, cores by index), and
 * the kernel log shows what it did. Reached through {@code SimulatedMachine.tree().model(PseriesHypervisor.class)}.
 */
public final class PseriesHypervisor {
    private final SysfsTree tree;
    private final PseriesKernel kernel;

    PseriesHypervisor(SysfsTree tree, PseriesKernel kernel) {
        this.tree = tree;
        this.kernel = kernel;
    }

    /** {@code device_add pc-dimm} covering {@code count} LMBs from DRC {@code firstIndex}; the errno the kernel's handler returned, or null. */
    public Errno plugDimm(long firstIndex, int count) {
        tree.locked(() -> lmbRange(firstIndex, count).forEach(l -> l.drc.device = true));
        return errno(kernel.handleEvent(true, true, true, count, firstIndex));
    }

    /** {@code device_del} of that DIMM: the hypervisor asks for the LMBs back. */
    public Errno unplugDimm(long firstIndex, int count) {
        tree.locked(() -> lmbRange(firstIndex, count).forEach(l -> l.drc.unplugRequested = true));
        return errno(kernel.handleEvent(false, true, true, count, firstIndex));
    }

    /** {@code device_add ...-spapr-cpu-core,core-id=N}. */
    public Errno plugCore(int coreId) {
        PapDrc drc = coreDrc(coreId);
        tree.locked(() -> drc.device = true);
        return errno(kernel.handleEvent(true, false, false, 1, drc.index));
    }

    /** {@code device_del} of that core. */
    public Errno unplugCore(int coreId) {
        PapDrc drc = coreDrc(coreId);
        tree.locked(() -> drc.unplugRequested = true);
        return errno(kernel.handleEvent(false, false, false, 1, drc.index));
    }

    /** The guest kernel's log since the last {@link #clearKernelLog()}. */
    public List<String> kernelLog() {
        return kernel.log();
    }

    public void clearKernelLog() {
        kernel.clearLog();
    }

    private PapDrc coreDrc(int coreId) {
        return kernel.cpuDrcs().stream().filter(d -> (d.index & 0x0FFF_FFFFL) == coreId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CPU DRC for core-id " + coreId));
    }

    private List<PseriesKernel.Lmb> lmbRange(long firstIndex, int count) {
        List<PseriesKernel.Lmb> all = kernel.lmbs();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).drc != null && all.get(i).drc.index == firstIndex && i + count <= all.size()) {
                return all.subList(i, i + count);
            }
        }
        throw new IllegalArgumentException("no " + count + " LMBs from drc index 0x" + Long.toHexString(firstIndex));
    }

    private static Errno errno(int rc) {
        return rc == 0 ? null : rc == PseriesKernel.EPERM_RAW ? Errno.EPERM : Errno.ofCode(-rc);
    }
}
