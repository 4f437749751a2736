package org.syshotplug.platform.internal.sim.pseries;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.syshotplug.platform.internal.sim.FirmwareState;
import org.syshotplug.platform.internal.sim.KernelErrno;
import org.syshotplug.platform.internal.sim.SimAttribute;
import org.syshotplug.platform.internal.sim.SimCpus;
import org.syshotplug.platform.internal.sim.SimMemory;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * The partition's firmware side in the machine state file: what a DLPAR changed in the hypervisor
 * and the device tree, which a restarted simulator would otherwise boot without.
 *
 * <pre>
 * drc 0x8000000a configured device      (PAPR DRC state; "empty" when no resource stands behind it,
 *                                        then "unplug-requested" when the hypervisor asked for it back)
 * lmb 0x8000000a 0x8 0x0                (ibm,dynamic-memory flags and aa index of the LMB behind a DRC)
 * core 0x10000002 2 2                   (a configured core: its hardware thread base, its logical CPUs)
 * </pre>
 *
 * Every DRC and every LMB with a DRC has a line; a core without a line is not configured. Restoring
 * puts the DRCs, LMB flags, cpu nodes, present CPUs and memory blocks back as they were; the file's
 * {@code cpu} and {@code memory} lines then set what is online, through the kernel files.
 */
final class PseriesState implements FirmwareState {
    private static final String DRC = "drc";
    private static final String LMB = "lmb";
    private static final String CORE = "core";

    private final SysfsTree tree;
    private final PseriesKernel kernel;
    private final SimCpus cpus;
    private final SimMemory memory;
    private final long lmbSize;

    PseriesState(SysfsTree tree, PseriesKernel kernel, SimCpus cpus, SimMemory memory, long lmbSize) {
        this.tree = tree;
        this.kernel = kernel;
        this.cpus = cpus;
        this.memory = memory;
        this.lmbSize = lmbSize;
    }

    @Override
    public boolean owns(String kind) {
        return DRC.equals(kind) || LMB.equals(kind) || CORE.equals(kind);
    }

    @Override
    public List<String> save() {
        List<String> lines = new ArrayList<>();
        for (PapDrc d : allDrcs().values()) {
            lines.add(DRC + " " + hex(d.index) + " " + d.state.name().toLowerCase(Locale.ROOT) + " "
                    + (d.device ? "device" : "empty") + (d.unplugRequested ? " unplug-requested" : ""));
        }
        for (PseriesKernel.Lmb l : kernel.lmbs()) {
            if (l.drc != null) {
                lines.add(LMB + " " + hex(l.drc.index) + " " + hex(l.flags) + " " + hex(l.aaIndex));
            }
        }
        for (PseriesKernel.CoreNode c : kernel.cores().values()) {
            lines.add(CORE + " " + hex(c.drcIndex()) + " " + c.hwBase() + " "
                    + String.join(",", Arrays.stream(c.logical()).mapToObj(Integer::toString).toList()));
        }
        return lines;
    }

    @Override
    public void restore(List<String[]> lines) throws IOException {
        Map<Long, PapDrc> drcs = allDrcs();
        Map<Long, String[]> drcLines = new LinkedHashMap<>();
        Map<Long, long[]> lmbLines = new LinkedHashMap<>();
        Map<Long, PseriesKernel.CoreNode> coreLines = new LinkedHashMap<>();
        for (String[] f : lines) {
            try {
                long index = Long.decode(f[1]);
                if (!drcs.containsKey(index)) {
                    throw new IOException("DRC " + f[1] + " is not a connector of this partition ("
                            + drcs.size() + " DRCs): the file was written for a machine of another shape");
                }
                switch (f[0]) {
                    case DRC -> drcLines.put(index, f);
                    case LMB -> lmbLines.put(index, new long[] {Long.decode(f[2]), Long.decode(f[3])});
                    case CORE -> coreLines.put(index, new PseriesKernel.CoreNode(index, Integer.parseInt(f[2]),
                            Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray()));
                    default -> throw new IOException("not a pseries line");
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IOException("malformed line '" + String.join(" ", f) + "'", e);
            }
        }
        if (drcLines.isEmpty()) {
            return;
        }
        IOException failure = tree.locked(() -> {
            try {
                restoreCores(coreLines);
                restoreLmbs(lmbLines);
                restoreDrcs(drcs, drcLines);
                return null;
            } catch (IOException e) {
                return e;
            } catch (KernelErrno | IllegalArgumentException e) {
                return new IOException("the saved partition cannot be rebuilt: " + e.getMessage(), e);
            }
        });
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Takes away the configured cores the file does not have (or has with other CPUs) and attaches
     * the ones it has. A core's logical CPUs may be another core's at boot (the kernel reuses the
     * lowest free ids), and the kernel never offlines the last online CPU, so the two alternate until
     * neither can go on.
     */
    private void restoreCores(Map<Long, PseriesKernel.CoreNode> saved) throws KernelErrno, IOException {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (PseriesKernel.CoreNode c : List.copyOf(kernel.cores().values())) {
                if (!same(c, saved.get(c.drcIndex())) && othersOnline(c)) {
                    for (int cpu : c.logical()) {
                        if (cpus.isOnline(cpu)) {
                            ((SimAttribute) tree.lookup(SimCpus.cpuPath(cpu) + "/online")).write("0");
                        }
                    }
                    kernel.detach(c);
                    progress = true;
                }
            }
            for (PseriesKernel.CoreNode c : saved.values()) {
                if (!kernel.cores().containsKey(c.drcIndex()) && Arrays.stream(c.logical()).noneMatch(cpus::isPresent)) {
                    for (int cpu : c.logical()) {
                        if (cpu < 0 || cpu >= cpus.possible()) {
                            throw new IOException("core " + hex(c.drcIndex()) + " has CPU " + cpu + ", beyond the "
                                    + cpus.possible() + " possible CPUs of this machine");
                        }
                    }
                    kernel.attach(c);
                    progress = true;
                }
            }
        }
        for (PseriesKernel.CoreNode c : saved.values()) {
            if (!same(kernel.cores().get(c.drcIndex()), c)) {
                throw new IOException("core " + hex(c.drcIndex()) + " with CPUs " + Arrays.toString(c.logical())
                        + " cannot be configured: its CPUs belong to another core");
            }
        }
        if (kernel.cores().size() != saved.size()) {
            throw new IOException("the boot cores cannot all be taken away: the file leaves no CPU online");
        }
    }

    private boolean othersOnline(PseriesKernel.CoreNode core) {
        BitSet others = cpus.onlineMask();
        for (int cpu : core.logical()) {
            others.clear(cpu);
        }
        return !others.isEmpty();
    }

    private static boolean same(PseriesKernel.CoreNode a, PseriesKernel.CoreNode b) {
        return a != null && b != null && a.drcIndex() == b.drcIndex() && a.hwBase() == b.hwBase()
                && Arrays.equals(a.logical(), b.logical());
    }

    /** Sets each LMB's flags and aa index and adds (offline) or removes the memory blocks behind it. */
    private void restoreLmbs(Map<Long, long[]> saved) throws KernelErrno {
        int perLmb = (int) Math.max(1, lmbSize / memory.blockSizeBytes());
        for (PseriesKernel.Lmb l : kernel.lmbs()) {
            long[] s = l.drc == null ? null : saved.get(l.drc.index);
            if (s == null) {
                continue;
            }
            l.flags = s[0];
            l.aaIndex = s[1];
            int first = (int) (l.base / memory.blockSizeBytes());
            for (int b = first; b < first + perLmb; b++) {
                if (l.assigned() && !memory.exists(b)) {
                    memory.addBlock(b, false, null);
                } else if (!l.assigned() && memory.exists(b)) {
                    if (memory.isOnline(b)) {
                        ((SimAttribute) tree.lookup(SimMemory.blockPath(b) + "/state")).write("offline");
                    }
                    memory.removeBlock(b);
                }
            }
        }
    }

    private static void restoreDrcs(Map<Long, PapDrc> drcs, Map<Long, String[]> saved) throws IOException {
        for (Map.Entry<Long, String[]> e : saved.entrySet()) {
            String[] f = e.getValue();
            PapDrc d = drcs.get(e.getKey());
            try {
                d.state = PapDrc.State.valueOf(f[2].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException bad) {
                throw new IOException("DRC " + f[1] + ": unknown state in '" + String.join(" ", f) + "' (expected one of "
                        + Arrays.toString(PapDrc.State.values()).toLowerCase(Locale.ROOT) + ")", bad);
            }
            d.device = f.length > 3 && "device".equals(f[3]);
            d.unplugRequested = f.length > 4 && "unplug-requested".equals(f[4]);
        }
    }

    /** The CPU DRCs, then the LMB DRCs, by index. */
    private Map<Long, PapDrc> allDrcs() {
        Map<Long, PapDrc> all = new LinkedHashMap<>();
        kernel.cpuDrcs().forEach(d -> all.put(d.index, d));
        kernel.lmbs().stream().filter(l -> l.drc != null).forEach(l -> all.put(l.drc.index, l.drc));
        return all;
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
