package org.syshotplug.platform.internal.sim;

import org.syshotplug.api.Errno;

/**
 * {@code x86-acpi-qemu}: the Linux 6.1 guest of the x86 differential run, QEMU 10 {@code -machine q35
 * -smp 1,maxcpus=4 -m 1G,slots=4,maxmem=4G}: CPU 0 present of 0-3, eight 128 MiB boot blocks on
 * node 0 (all ZONE_DMA32; memory0 shows {@code none} and memory0/memory7 refuse offline with EINVAL,
 * memory2/memory3 hold unmovable pages), the ACPI namespace QEMU builds, and a {@link QemuMachine}
 * that plugs CPUs and DIMMs through its monitor words. Its shape is fixed, like {@code pseries-qemu};
 * only {@code autoOnlineBlocks} (the guest's {@code memhp_default_state}, also accepted as the extra
 * key {@code memhpDefaultState}) and {@code cpuhpStateControl} are taken from the configuration.
 */
public final class X86AcpiQemuProfile implements SimProfile {

    public static final String NAME = "x86-acpi-qemu";
    public static final int POSSIBLE_CPUS = 4;
    public static final int BOOT_BLOCKS = 8;
    public static final int DIMM_SLOTS = 4;
    /** maxmem=4G minus the 1G of boot RAM: the device-memory region QEMU places DIMMs in. */
    public static final long DEVICE_MEMORY = 3L << 30;
    /** The device-memory region starts at 4 GiB (q35 with 1G of RAM below the PCI hole). */
    public static final long DEVICE_MEMORY_BASE = 1L << 32;

    @Override
    public String name() {
        return NAME;
    }

    static String memhpDefaultState(SimConfig config) {
        String v = config.extra().get("memhpDefaultState");
        if (v == null) {
            return config.autoOnlineBlocks();
        }
        if (!SimMemory.ONLINE_TYPES.contains(v.strip())) {
            throw new IllegalArgumentException("memhpDefaultState '" + v + "': need one of " + SimMemory.ONLINE_TYPES);
        }
        return v.strip();
    }

    @Override
    public void populate(SysfsTree tree, SimConfig config) {
        SimNodes nodes = new SimNodes(tree, 1);
        SimCpus cpus = new SimCpus(tree, CpuhpStates.x86Vm(), nodes, POSSIBLE_CPUS, cpu -> cpu != 0, cpu -> 0,
                config.cpuhpStateControl());
        tree.register(SimCpus.class, cpus);
        cpus.addPresent(0, true);
        SimMemory memory = new SimMemory(tree, nodes, SimConfig.DEFAULT_BLOCK_SIZE, memhpDefaultState(config), false,
                id -> 0);
        for (int id = 0; id < BOOT_BLOCKS; id++) {
            memory.addBlock(id, true, SimMemory.Zone.DMA32);
        }
        memory.setBootQuirks(0, true, Errno.EINVAL);
        memory.setBootQuirks(BOOT_BLOCKS - 1, false, Errno.EINVAL);
        memory.setUnmovable(2, true);
        memory.setUnmovable(3, true);
        AcpiNamespace ns = AcpiNamespace.populateQemu(tree, cpus, memory, POSSIBLE_CPUS, DIMM_SLOTS);
        QemuMachine qemu = new QemuMachine(tree, ns, memory.blockSizeBytes());
        ns.firmware(qemu);
        tree.register(QemuMachine.class, qemu);
        tree.register(FirmwareState.class, qemu);
    }

    @Override
    public String describe(SimConfig config) {
        return NAME + ": q35, 1 of " + POSSIBLE_CPUS + " CPUs, " + BOOT_BLOCKS + " memory blocks, " + DIMM_SLOTS
                + " DIMM slots, memhp_default_state=" + memhpDefaultState(config);
    }
}
