package org.syshotplug.platform.internal.sim.pseries;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimAttribute;
import org.syshotplug.platform.internal.sim.SimDirectory;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * {@code /proc/device-tree} of the simulated partition, laid out as QEMU's pseries tree is after
 * CAS: the DRC arrays on {@code /} (LMBs) and {@code /cpus} (cores), one node per configured core
 * with {@code ibm,my-drc-index}, and {@code /ibm,dynamic-reconfiguration-memory} whose
 * {@code ibm,dynamic-memory-v2} is re-encoded from the LMBs on every read, the way the kernel's
 * {@code drmem_update_dt} rewrites it after each memory DLPAR (runs of equal aa index and flags).
 */
final class PseriesDeviceTree {
    static final String ROOT = KernelPaths.DEVICE_TREE;
    static final String CPUS = ROOT + "/cpus";
    static final String DRCONF = ROOT + "/ibm,dynamic-reconfiguration-memory";

    private final SysfsTree tree;
    private Supplier<List<PseriesKernel.Lmb>> lmbs;
    private long lmbSize;

    PseriesDeviceTree(SysfsTree tree) {
        this.tree = tree;
    }

    static String cpuNodeName(int hwBase) {
        return "PowerPC,POWER9@" + Integer.toHexString(hwBase);
    }

    void populate(List<PapDrc> cpuDrcs, List<PapDrc> lmbDrcs, Supplier<List<PseriesKernel.Lmb>> lmbSource,
            long lmbSize, long maxAddress, int maxCpus, int hotplugInterrupt) {
        this.lmbs = lmbSource;
        this.lmbSize = lmbSize;
        SimDirectory root = tree.dir(ROOT);
        property(root, "#address-cells", DtValue.of().cell(2).bytes());
        property(root, "#size-cells", DtValue.of().cell(2).bytes());
        property(root, "compatible", DtValue.of().string("qemu,pseries").bytes());
        property(root, "device_type", DtValue.of().string("chrp").bytes());
        drcArrays(root, lmbDrcs);

        SimDirectory cpus = tree.dir(CPUS);
        property(cpus, "#address-cells", DtValue.of().cell(1).bytes());
        property(cpus, "#size-cells", DtValue.of().cell(0).bytes());
        drcArrays(cpus, cpuDrcs);

        SimDirectory drconf = tree.dir(DRCONF);
        property(drconf, "ibm,lmb-size", DtValue.of().cells64(lmbSize).bytes());
        property(drconf, "ibm,associativity-lookup-arrays", DtValue.of().cell(1).cell(1).cell(0).bytes());
        property(drconf, "ibm,memory-flags-mask", DtValue.of().cell(0xff).bytes());
        property(drconf, "ibm,memory-preservation-time", DtValue.of().cell(0).bytes());
        drconf.binary("ibm,dynamic-memory-v2", SimAttribute.READ_ONLY, this::dynamicMemoryV2);

        SimDirectory rtas = tree.dir(ROOT + "/rtas");
        // QEMU 7.2 without -numa: the primary domain is the first associativity cell
        property(rtas, "ibm,associativity-reference-points", DtValue.of().cell(1).bytes());
        property(rtas, "ibm,lrdr-capacity", DtValue.of().cells64(maxAddress).cells64(lmbSize).cell(maxCpus).bytes());
        for (String[] token : new String[][] {{"get-sensor-state", "201d"}, {"set-indicator", "201a"},
                {"ibm,configure-connector", "201e"}, {"check-exception", "200e"}}) {
            property(rtas, token[0], DtValue.of().cell(Long.parseLong(token[1], 16)).bytes());
        }
        property(tree.dir(ROOT + "/event-sources/hot-plug-events"), "interrupts",
                DtValue.of().cell(hotplugInterrupt).cell(0).bytes());
    }

    private static void drcArrays(SimDirectory node, List<PapDrc> drcs) {
        List<Long> indexes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<Long> domains = new ArrayList<>();
        for (PapDrc d : drcs) {
            indexes.add(d.index);
            names.add(d.name);
            types.add(d.type);
            domains.add(0xFFFF_FFFFL);
        }
        property(node, "ibm,drc-indexes", DtValue.countedCells(indexes));
        property(node, "ibm,drc-names", DtValue.countedStrings(names));
        property(node, "ibm,drc-types", DtValue.countedStrings(types));
        property(node, "ibm,drc-power-domains", DtValue.countedCells(domains));
    }

    private static void property(SimDirectory node, String name, byte[] value) {
        node.binary(name, SimAttribute.READ_ONLY, value::clone);
    }

    /** Count of sets, then per set: LMB count, base (two cells), first drc index, aa index, flags. */
    private byte[] dynamicMemoryV2() {
        List<long[]> sets = new ArrayList<>();
        long[] open = null;
        for (PseriesKernel.Lmb l : lmbs.get()) {
            boolean next = l.drcIndex() == 0 ? open != null && open[2] == 0 : open != null && open[2] + open[0] == l.drcIndex();
            if (next && open[3] == l.aaIndex && open[4] == l.flags) {
                open[0]++;
                continue;
            }
            open = new long[] {1, l.base, l.drcIndex(), l.aaIndex, l.flags};
            sets.add(open);
        }
        DtValue v = DtValue.of().cell(sets.size());
        for (long[] s : sets) {
            v.cell(s[0]).cells64(s[1]).cell(s[2]).cell(s[3]).cell(s[4]);
        }
        return v.bytes();
    }

    void addCpuNode(PseriesKernel.CoreNode core) {
        SimDirectory node = tree.dir(CPUS + "/" + cpuNodeName(core.hwBase()));
        property(node, "name", DtValue.of().string(cpuNodeName(core.hwBase())).bytes());
        property(node, "device_type", DtValue.of().string("cpu").bytes());
        property(node, "reg", DtValue.of().cell(core.hwBase()).bytes());
        property(node, "ibm,my-drc-index", DtValue.of().cell(core.drcIndex()).bytes());
        DtValue servers = DtValue.of();
        for (int t = 0; t < core.logical().length; t++) {
            servers.cell(core.hwBase() + t);
        }
        property(node, "ibm,ppc-interrupt-server#s", servers.bytes());
    }

    void removeCpuNode(PseriesKernel.CoreNode core) {
        tree.remove(CPUS + "/" + cpuNodeName(core.hwBase()));
    }

    long lmbSize() {
        return lmbSize;
    }
}
