package org.syshotplug.rtas.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.devicetree.ByteCursor;
import org.syshotplug.rtas.internal.devicetree.DeviceTree;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.devicetree.DrcTable;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;
import org.syshotplug.rtas.internal.devicetree.ProcDeviceTree;

/**
 * The partition as the OS sees it now, read fresh on every call: the DRCs the device tree lists,
 * the LMBs of {@code ibm,dynamic-reconfiguration-memory}, which cores are configured (cpu nodes
 * with {@code ibm,my-drc-index}) and which logical CPUs and memory blocks stand for them.
 */
final class PseriesPartition {
    static final String CPUS = "/cpus";
    private static final String BLOCK_SIZE = KernelPaths.MEMORY_ROOT + "/block_size_bytes";
    private static final String SERVERS = "ibm,ppc-interrupt-server#s";

    private final SystemFiles files;
    private final DeviceTree tree;

    PseriesPartition(SystemFiles files) {
        this.files = files;
        this.tree = new ProcDeviceTree(files);
    }

    DeviceTree tree() {
        return tree;
    }

    /** A POWER partition with DLPAR: the kernel entry point exists. */
    boolean present() {
        return files.exists(KernelPaths.DLPAR);
    }

    List<Drc> cpuDrcs() {
        return DrcTable.read(tree, CPUS).stream().filter(Drc::isCpu).toList();
    }

    List<Drc> memoryDrcs() {
        return DrcTable.read(tree, "/").stream().filter(Drc::isMemory).toList();
    }

    /** The CPU DRCs of {@code /cpus}, then every DRC of {@code /}, without copying the latter (it may be millions). */
    private Stream<Drc> allDrcs() {
        return Stream.concat(cpuDrcs().stream(), DrcTable.read(tree, "/").stream());
    }

    Optional<Drc> byIndex(long index) {
        Optional<Drc> cpu = DrcTable.byIndex(cpuDrcs(), index);
        return cpu.isPresent() ? cpu : DrcTable.byIndex(DrcTable.read(tree, "/"), index);
    }

    Optional<Drc> byName(String name) {
        return allDrcs().filter(d -> d.name().equals(name)).findFirst();
    }

    Optional<DynamicMemory> dynamicMemory() {
        return DynamicMemory.read(tree);
    }

    /** Configured cores: DRC index to cpu node path, in device-tree order. */
    Map<Long, String> cpuNodes() {
        Map<Long, String> out = new LinkedHashMap<>();
        for (String child : tree.children(CPUS)) {
            String node = DeviceTree.join(CPUS, child);
            boolean cpu = tree.property(node, "device_type").map(v -> new String(v).startsWith("cpu")).orElse(false);
            if (cpu) {
                DrcTable.myDrcIndex(tree, node).ifPresent(index -> out.put(index, node));
            }
        }
        return out;
    }

    /** The hardware thread ids of a cpu node ({@code ibm,ppc-interrupt-server#s}). */
    List<Integer> hardwareThreads(String node) {
        byte[] value = tree.property(node, SERVERS).orElse(new byte[0]);
        ByteCursor c = new ByteCursor(value, node + "/" + SERVERS);
        List<Integer> out = new ArrayList<>();
        while (!c.atEnd()) {
            out.add((int) c.u32());
        }
        return out;
    }

    int threadsPerCore() {
        return cpuNodes().values().stream().findFirst().map(n -> Math.max(1, hardwareThreads(n).size())).orElse(1);
    }

    /** Logical CPU ids of hardware threads, from each present CPU's {@code physical_id}. */
    List<Integer> logicalCpus(List<Integer> hardwareThreads) throws SystemFileException {
        Map<Integer, Integer> byHw = new LinkedHashMap<>();
        BitSet present = cpuList(files.readValue(KernelPaths.CPU_ROOT + "/present"));
        for (int cpu = present.nextSetBit(0); cpu >= 0; cpu = present.nextSetBit(cpu + 1)) {
            String path = KernelPaths.cpu(cpu, "physical_id");
            if (files.exists(path)) {
                byHw.put(Integer.parseInt(files.readValue(path)), cpu);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int hw : hardwareThreads) {
            Integer cpu = byHw.get(hw);
            if (cpu != null) {
                out.add(cpu);
            }
        }
        return out;
    }

    /**
     * The logical ids the kernel will give a core it attaches: the first {@code threads}-aligned run of
     * possible but not present CPUs ({@code find_cpu_id_range}; the kernel prefers ids its NUMA node used
     * before, which a single-node partition cannot tell apart).
     */
    List<Integer> nextLogicalCpus(int threads, List<Integer> alreadyPromised) throws SystemFileException {
        BitSet possible = cpuList(files.readValue(KernelPaths.CPU_ROOT + "/possible"));
        BitSet taken = cpuList(files.readValue(KernelPaths.CPU_ROOT + "/present"));
        alreadyPromised.forEach(taken::set);
        for (int base = 0; base + threads <= possible.length(); base += threads) {
            boolean free = true;
            for (int t = base; t < base + threads; t++) {
                free &= possible.get(t) && !taken.get(t);
            }
            if (free) {
                List<Integer> ids = new ArrayList<>();
                for (int t = base; t < base + threads; t++) {
                    ids.add(t);
                }
                return ids;
            }
        }
        return List.of();
    }

    long blockSize() throws SystemFileException {
        return Long.parseLong(files.readValue(BLOCK_SIZE), 16);
    }

    /** The memory block ids an LMB covers. */
    List<Integer> blocks(Lmb lmb, long lmbSize) throws SystemFileException {
        long blockSize = blockSize();
        List<Integer> out = new ArrayList<>();
        for (long a = lmb.base(); a < lmb.base() + lmbSize; a += blockSize) {
            out.add((int) (a / blockSize));
        }
        return out;
    }

    /** Parses the kernel's cpulist format ({@code 0-3,8}). */
    static BitSet cpuList(String text) {
        BitSet set = new BitSet();
        if (text.isBlank()) {
            return set;
        }
        for (String part : text.strip().split(",")) {
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            set.set(from, to + 1);
        }
        return set;
    }
}
