package org.syshotplug.node.internal;

import java.util.BitSet;
import java.util.List;

/**
 * One NUMA node as {@code /sys/devices/system/node} shows it.
 *
 * @param cpus        present CPUs ({@code nodeN/cpuM} links: online or not)
 * @param onlineCpus  {@code nodeN/cpulist}: the CPUs online in the node
 * @param blocks      memory blocks ({@code nodeN/memoryM} links)
 * @param memTotalKb  {@code MemTotal} of {@code nodeN/meminfo}, -1 when unknown
 * @param memFreeKb   {@code MemFree}, -1 when unknown
 * @param distances   {@code nodeN/distance}, one per possible node; empty when unknown
 */
record NumaNode(int id, boolean online, boolean hasCpu, boolean hasMemory, boolean hasNormalMemory, BitSet cpus,
        BitSet onlineCpus, BitSet blocks, long memTotalKb, long memFreeKb, List<Integer> distances) {

    NumaNode {
        cpus = (BitSet) cpus.clone();
        onlineCpus = (BitSet) onlineCpus.clone();
        blocks = (BitSet) blocks.clone();
        distances = List.copyOf(distances);
    }

    @Override
    public BitSet cpus() {
        return (BitSet) cpus.clone();
    }

    @Override
    public BitSet onlineCpus() {
        return (BitSet) onlineCpus.clone();
    }

    @Override
    public BitSet blocks() {
        return (BitSet) blocks.clone();
    }

    boolean hasDevices() {
        return !cpus.isEmpty() || !blocks.isEmpty();
    }
}
