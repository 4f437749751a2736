package org.syshotplug.platform.internal.sim;

/**
 * The x86-64 ACPI machine with NUMA nodes (at least two, {@code nodes} if more): node 0 holds the
 * boot CPU and the kernel's memory; every further node is an ACPI container ({@code ACPI0004}) with
 * {@code _PXM} naming the node, holding the node's processors and a memory device, so firmware can
 * add and eject the node as a whole. The CPUs and blocks are split evenly, in id order; a removable
 * node's memory is onlined into ZONE_MOVABLE at boot, as firmware-declared hot-pluggable memory is
 * with {@code movable_node}.
 */
public final class X86AcpiNumaProfile implements SimProfile {

    public static final String NAME = "x86-acpi-numa";

    @Override
    public String name() {
        return NAME;
    }

    static int nodeCount(SimConfig config) {
        return Math.max(2, config.nodes());
    }

    @Override
    public void populate(SysfsTree tree, SimConfig config) {
        int nodeCount = nodeCount(config);
        if (config.cpus() < nodeCount || config.memoryBlocks() < nodeCount) {
            throw new IllegalArgumentException(NAME + " needs at least one CPU and one memory block per node: "
                    + nodeCount + " nodes, " + config.cpus() + " CPUs, " + config.memoryBlocks() + " blocks");
        }
        SimNodes nodes = new SimNodes(tree, nodeCount);
        int possible = config.possibleCpus();
        int cpusPerNode = (config.cpus() + nodeCount - 1) / nodeCount;
        // Empty hot-plug slots beyond the present CPUs go to the last node.
        java.util.function.IntUnaryOperator cpuNode = cpu -> Math.min(cpu / cpusPerNode, nodeCount - 1);
        SimCpus cpus = new SimCpus(tree, CpuhpStates.x86Vm(), nodes, possible, cpu -> cpu != 0, cpuNode,
                config.cpuhpStateControl());
        tree.register(SimCpus.class, cpus);
        for (int cpu = 0; cpu < config.cpus(); cpu++) {
            cpus.addPresent(cpu, true);
        }
        int blocks = config.memoryBlocks();
        int blocksPerNode = (blocks + nodeCount - 1) / nodeCount;
        java.util.function.IntUnaryOperator blockNode = id -> Math.min(id / blocksPerNode, nodeCount - 1);
        SimMemory memory = new SimMemory(tree, nodes, config.blockSizeBytes(), config.autoOnlineBlocks(), true,
                blockNode);
        memory.movableNode(true);
        for (int id = 0; id < blocks; id++) {
            memory.addBlock(id, true, blockNode.applyAsInt(id) == 0 ? SimMemory.Zone.NORMAL : SimMemory.Zone.MOVABLE);
        }
        AcpiNamespace.populateNuma(tree, config, cpus, memory, nodeCount, cpuNode, blockNode);
    }

    @Override
    public String describe(SimConfig config) {
        return NAME + " " + config.cpus() + " CPUs, " + config.memoryBlocks() + " memory blocks, "
                + nodeCount(config) + " nodes";
    }
}
