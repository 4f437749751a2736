package org.syshotplug.platform.internal.sim;

import java.util.BitSet;
import java.util.function.IntFunction;

/**
 * {@code /sys/devices/system/node}: one {@code nodeN} folder per NUMA node with its CPU list and
 * map and its {@code cpuN}/{@code memoryN} links, plus the global node masks.
 */
public final class SimNodes {

    public static final String ROOT = "/sys/devices/system/node";

    private final SysfsTree tree;
    private final int count;
    private volatile IntFunction<BitSet> onlineCpus = n -> new BitSet();
    private volatile IntFunction<Boolean> hasMemory = n -> false;
    private volatile int cpuBits = 1;

    public SimNodes(SysfsTree tree, int count) {
        this.tree = tree;
        this.count = count;
        SimDirectory root = tree.dir(ROOT);
        BitSet all = new BitSet();
        all.set(0, count);
        root.constant("possible", KernelText.cpulist(all));
        root.constant("online", KernelText.cpulist(all));
        root.readOnly("has_cpu", () -> KernelText.cpulist(nodesWhere(n -> !onlineCpus.apply(n).isEmpty())));
        root.readOnly("has_memory", () -> KernelText.cpulist(nodesWhere(n -> hasMemory.apply(n))));
        root.readOnly("has_normal_memory", () -> KernelText.cpulist(nodesWhere(n -> hasMemory.apply(n))));
        for (int n = 0; n < count; n++) {
            int node = n;
            SimDirectory d = root.dir("node" + n);
            d.readOnly("cpulist", () -> KernelText.cpulist(onlineCpus.apply(node)));
            d.readOnly("cpumap", () -> KernelText.cpumask(onlineCpus.apply(node), cpuBits));
            d.constant("distance", distances(node));
        }
    }

    public int count() {
        return count;
    }

    /** Where the CPU lists come from (the CPUs model), and how many bits a CPU map has. */
    public void cpuSource(IntFunction<BitSet> onlineCpusOfNode, int possibleCpus) {
        this.onlineCpus = onlineCpusOfNode;
        this.cpuBits = possibleCpus;
    }

    public void memorySource(IntFunction<Boolean> nodeHasOnlineMemory) {
        this.hasMemory = nodeHasOnlineMemory;
    }

    public static String nodePath(int node) {
        return ROOT + "/node" + node;
    }

    /** Adds the {@code nodeN/<name>} link to a device (cpuN, memoryN). */
    public void linkDevice(int node, String name, String devicePath) {
        tree.dir(nodePath(node)).link(name, devicePath);
    }

    public void unlinkDevice(int node, String name) {
        tree.dir(nodePath(node)).remove(name);
    }

    private BitSet nodesWhere(java.util.function.IntPredicate p) {
        BitSet b = new BitSet();
        for (int n = 0; n < count; n++) {
            if (p.test(n)) {
                b.set(n);
            }
        }
        return b;
    }

    private String distances(int node) {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < count; n++) {
            if (n > 0) {
                b.append(' ');
            }
            b.append(n == node ? 10 : 20);
        }
        return b.toString();
    }
}
