package org.syshotplug.platform.internal.sim;

/**
 * An x86-64 machine with ACPI hot-plug: CPUs (no {@code online} file for CPU 0, as on real x86),
 * memory blocks, NUMA nodes, the ACPI namespace and a generated MADT.
 */
public final class X86AcpiProfile implements SimProfile {

    public static final String NAME = "x86-acpi";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void populate(SysfsTree tree, SimConfig config) {
        int nodeCount = config.nodes();
        SimNodes nodes = new SimNodes(tree, nodeCount);
        int possible = config.possibleCpus();
        int cpusPerNode = (possible + nodeCount - 1) / nodeCount;
        SimCpus cpus = new SimCpus(tree, CpuhpStates.x86Vm(), nodes, possible, cpu -> cpu != 0,
                cpu -> Math.min(cpu / cpusPerNode, nodeCount - 1), config.cpuhpStateControl());
        tree.register(SimCpus.class, cpus);
        for (int cpu = 0; cpu < config.cpus(); cpu++) {
            cpus.addPresent(cpu, true);
        }
        int blocks = config.memoryBlocks();
        int blocksPerNode = (blocks + nodeCount - 1) / nodeCount;
        SimMemory memory = new SimMemory(tree, nodes, config.blockSizeBytes(), config.autoOnlineBlocks(), true,
                id -> Math.min(id / blocksPerNode, nodeCount - 1));
        for (int id = 0; id < blocks; id++) {
            memory.addBlock(id, true, SimMemory.Zone.NORMAL);
        }
        AcpiNamespace.populate(tree, config, cpus, memory);
    }
}
