package org.syshotplug.platform.internal.sim.pseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/** Linux 6.1's answers where they are easy to get wrong: empty writes and counts of 2^31 and more. */
class PseriesKernelFidelityTest {

    private final SimulatedMachine machine = SimulatedMachine.create(PseriesProfile.qemuGuest());
    private final PseriesHypervisor hv = machine.tree().model(PseriesHypervisor.class);

    private Errno write(String value) {
        hv.clearKernelLog();
        try {
            machine.write(KernelPaths.DLPAR, value);
            return null;
        } catch (SystemFileException e) {
            return e.errno();
        }
    }

    @Test
    void anEmptyWriteIsAcceptedWithoutReachingTheParser() {
        assertNull(write(""));
        assertEquals(List.of(), hv.kernelLog());
    }

    @Test
    void byCountMessagesPrintTheCountSignedAndAddSaysNothingElse() {
        assertEquals(Errno.EINVAL, write("memory add count 4294967295"));
        assertEquals(List.of("pseries-hotplug-mem: Attempting to hot-add -1 LMB(s)",
                "dlpar: Could not handle DLPAR request \"memory add count 4294967295\""), hv.kernelLog());

        assertEquals(Errno.EINVAL, write("memory add count 2147483648"));
        assertTrue(hv.kernelLog().contains("pseries-hotplug-mem: Attempting to hot-add -2147483648 LMB(s)"),
                hv.kernelLog().toString());

        assertEquals(Errno.EINVAL, write("memory remove count 0xffffffff"));
        assertEquals(List.of("pseries-hotplug-mem: Attempting to hot-remove -1 LMB(s)",
                "pseries-hotplug-mem: Not enough LMBs available (2 of -1) to satisfy request",
                "dlpar: Could not handle DLPAR request \"memory remove count 0xffffffff\""), hv.kernelLog());
    }

    @Test
    void aShortSupplyForAddByCountIsRefusedSilently() {
        assertEquals(Errno.EINVAL, write("memory add count 30"));
        assertEquals(List.of("pseries-hotplug-mem: Attempting to hot-add 30 LMB(s)",
                "dlpar: Could not handle DLPAR request \"memory add count 30\""), hv.kernelLog());
    }

    @Test
    void indexedCountOf2To31OrMoreIsAnEmptyRangeThatSucceeds() throws Exception {
        List<String> blocks = machine.list(KernelPaths.MEMORY_ROOT);

        // get_lmb_range takes the count as int: the range ends before it starts; the message prints it %u.
        assertNull(write("memory add indexed-count 4294967295 0x80000008"));
        assertEquals(List.of("pseries-hotplug-mem: Attempting to hot-add 4294967295 LMB(s) at index 80000008"),
                hv.kernelLog());
        assertNull(write("memory remove indexed-count 2147483648 0x80000008"));
        assertEquals(List.of("pseries-hotplug-mem: Attempting to hot-remove 2147483648 LMB(s) at 80000008"),
                hv.kernelLog());
        assertEquals(blocks, machine.list(KernelPaths.MEMORY_ROOT));
        assertEquals("online", machine.readValue(KernelPaths.memoryBlock(9, "state")));
    }

    @Test
    void pseriesQemuProfileIsTheDifferentialGuestWhateverTheSizes() throws Exception {
        SimulatedMachine byName = SimulatedMachine.create(SimConfig.builder().profile("pseries-qemu").cpus(4)
                .memoryBlocks(16).build());
        SimulatedMachine guest = SimulatedMachine.create(PseriesProfile.qemuGuest());

        assertEquals(guest.readValue(KernelPaths.CPU_ROOT + "/online"), byName.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals(guest.readValue(KernelPaths.CPU_ROOT + "/possible"), byName.readValue(KernelPaths.CPU_ROOT + "/possible"));
        assertEquals(guest.list(KernelPaths.MEMORY_ROOT), byName.list(KernelPaths.MEMORY_ROOT));
        assertTrue(byName.describe().contains("pseries-qemu") && byName.describe().contains("qemu firmware"),
                byName.describe());
    }
}
