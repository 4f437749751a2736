package org.syshotplug.platform.internal.sim;

import java.util.BitSet;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;

/**
 * {@code /sys/devices/system/node} as drivers/base/node.c and mm/ keep it: one {@code nodeN}
 * folder per online node with {@code cpulist}, {@code cpumap}, {@code distance}, {@code meminfo}
 * and its {@code cpuN}/{@code memoryN} links, and the node-state masks.
 *
 * <p>The masks follow the kernel's rules. {@code online} (N_ONLINE): a node comes online when its
 * first CPU or memory block is added (try_online_node) and goes offline only when its last present
 * CPU and block are removed (try_offline_node): offlining every device leaves it online.
 * {@code has_cpu} (N_CPU): it has an online CPU. {@code has_memory} (N_MEMORY): it has an online
 * block; {@code has_normal_memory} (N_NORMAL_MEMORY): an online block outside ZONE_MOVABLE.
 * {@code possible}: every node the firmware describes. Must be driven under the tree lock.
 */
public final class SimNodes {

    public static final String ROOT = "/sys/devices/system/node";

    private final SysfsTree tree;
    private final int count;
    /** Present devices linked under each node: a node is online while it has any. */
    private final int[] devices;
    private volatile IntFunction<BitSet> onlineCpus = n -> new BitSet();
    private volatile IntPredicate hasMemory = n -> false;
    private volatile IntPredicate hasNormalMemory = n -> false;
    private volatile IntToLongFunction onlineBytes = n -> 0L;
    private volatile int cpuBits = 1;

    public SimNodes(SysfsTree tree, int count) {
        this.tree = tree;
        this.count = count;
        this.devices = new int[count];
        SimDirectory root = tree.dir(ROOT);
        BitSet all = new BitSet();
        all.set(0, count);
        root.constant("possible", KernelText.cpulist(all));
        root.readOnly("online", () -> KernelText.cpulist(onlineMask()));
        root.readOnly("has_cpu", () -> KernelText.cpulist(nodesWhere(n -> !onlineCpus.apply(n).isEmpty())));
        root.readOnly("has_memory", () -> KernelText.cpulist(nodesWhere(hasMemory)));
        root.readOnly("has_normal_memory", () -> KernelText.cpulist(nodesWhere(hasNormalMemory)));
        root.constant("has_generic_initiator", "");
    }

    public int count() {
        return count;
    }

    /** Where the CPU lists come from (the CPUs model), and how many bits a CPU map has. */
    public void cpuSource(IntFunction<BitSet> onlineCpusOfNode, int possibleCpus) {
        this.onlineCpus = onlineCpusOfNode;
        this.cpuBits = possibleCpus;
    }

    /**
     * Where the memory masks and {@code meminfo} come from (the memory model): whether a node has
     * online memory, online memory outside ZONE_MOVABLE, and how many bytes are online.
     */
    public void memorySource(IntPredicate nodeHasOnlineMemory, IntPredicate nodeHasNormalMemory,
            IntToLongFunction onlineBytesOfNode) {
        this.hasMemory = nodeHasOnlineMemory;
        this.hasNormalMemory = nodeHasNormalMemory;
        this.onlineBytes = onlineBytesOfNode;
    }

    public static String nodePath(int node) {
        return ROOT + "/node" + node;
    }

    /** N_ONLINE: the nodes that have a present CPU or memory block. */
    public BitSet onlineMask() {
        return nodesWhere(n -> devices[n] > 0);
    }

    public boolean isOnline(int node) {
        return node >= 0 && node < count && devices[node] > 0;
    }

    /** Adds the {@code nodeN/<name>} link to a device (cpuN, memoryN); the first one brings the node online. */
    public void linkDevice(int node, String name, String devicePath) {
        if (devices[node]++ == 0) {
            build(node);
        }
        tree.dir(nodePath(node)).link(name, devicePath);
    }

    /** Removes a device's link; the node's folder goes with its last device (try_offline_node). */
    public void unlinkDevice(int node, String name) {
        SimDirectory d = tree.dir(nodePath(node));
        if (!d.has(name)) {
            return;
        }
        d.remove(name);
        if (--devices[node] == 0) {
            tree.remove(nodePath(node));
        }
    }

    private void build(int node) {
        SimDirectory d = tree.dir(nodePath(node));
        d.readOnly("cpulist", () -> KernelText.cpulist(onlineCpus.apply(node)));
        d.readOnly("cpumap", () -> KernelText.cpumask(onlineCpus.apply(node), cpuBits));
        d.readOnly("distance", () -> distances(node));
        d.readOnly("meminfo", () -> meminfo(node));
    }

    /**
     * The first lines of node_read_meminfo, in its format. The simulator has no page allocator:
     * it says an eighth of the online memory is in use.
     */
    private String meminfo(int node) {
        long totalKb = onlineBytes.applyAsLong(node) / 1024;
        long usedKb = totalKb / 8;
        StringBuilder b = new StringBuilder();
        line(b, node, "MemTotal:", totalKb);
        line(b, node, "MemFree:", totalKb - usedKb);
        line(b, node, "MemUsed:", usedKb);
        line(b, node, "SwapCached:", 0);
        line(b, node, "Active:", 0);
        line(b, node, "Inactive:", 0);
        b.setLength(b.length() - 1);
        return b.toString();
    }

    private static void line(StringBuilder b, int node, String key, long kb) {
        b.append(String.format("Node %d %-16s%8d kB", node, key, kb)).append('\n');
    }

    private BitSet nodesWhere(IntPredicate p) {
        BitSet b = new BitSet();
        for (int n = 0; n < count; n++) {
            if (p.test(n)) {
                b.set(n);
            }
        }
        return b;
    }

    /** node_read_distance: one entry per online node (for_each_online_node). */
    private String distances(int node) {
        StringBuilder b = new StringBuilder();
        BitSet online = onlineMask();
        for (int n = online.nextSetBit(0); n >= 0; n = online.nextSetBit(n + 1)) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(n == node ? 10 : 20);
        }
        return b.toString();
    }
}
