package org.syshotplug.platform.internal.sim.pseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

class PseriesProfileTest {
    private static final String CPUS = KernelPaths.DEVICE_TREE + "/cpus";
    private static final String V2 = KernelPaths.DEVICE_TREE + "/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2";

    private static Errno write(SimulatedMachine m, String value) {
        try {
            m.write(KernelPaths.DLPAR, value);
            return null;
        } catch (SystemFileException e) {
            return e.errno();
        }
    }

    @Test
    void qemuGuestBootsWithTheDeviceTreeOfTheRealGuest() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.qemuGuest());

        assertEquals("memory,cpu", m.readValue(KernelPaths.DLPAR));
        assertEquals("0-1", m.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals("0-7", m.readValue(KernelPaths.CPU_ROOT + "/possible"));
        assertEquals("10000000", m.readValue(KernelPaths.MEMORY_ROOT + "/block_size_bytes"));
        byte[] expected = hex("00000003 00000008 00000000 00000000 00000000 ffffffff 000000a0 00000002 00000000 80000000"
                + " 80000008 00000000 00000108 00000016 00000000 a0000000 8000000a ffffffff 00000000");
        assertArrayEquals(expected, m.readBytes(V2));
        assertArrayEquals(hex("10000001"), m.readBytes(CPUS + "/PowerPC,POWER9@1/ibm,my-drc-index"));
        assertEquals(4 + 8 * 4, m.readBytes(CPUS + "/ibm,drc-indexes").length);
    }

    @Test
    void lparTakesMemoryByCountAndGivesItBackAllOrNothing() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.lpar(2, 4, 8, 8, 0));

        assertNull(write(m, "memory add count 3"));
        assertEquals("online", m.readValue(KernelPaths.memoryBlock(10, "state")));
        m.setUnmovable(9, true);

        assertEquals(Errno.EINVAL, write(m, "memory remove count 3"));

        for (int block = 8; block <= 10; block++) {
            assertEquals("online", m.readValue(KernelPaths.memoryBlock(block, "state")), "memory" + block);
        }
        List<String> log = m.tree().model(PseriesHypervisor.class).kernelLog();
        assertTrue(log.contains("pseries-hotplug-mem: Memory hot-remove failed, adding LMB's back"), log.toString());
    }

    @Test
    void cpuAddAttachesANodeAndOnlinesTheNewLogicalCpu() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.lpar(2, 4, 8, 8, 0));

        assertNull(write(m, "cpu add index 0x10000003"));

        assertEquals("0-2", m.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals("3", m.readValue(KernelPaths.cpu(2, "physical_id")));
        assertTrue(m.isDirectory(CPUS + "/PowerPC,POWER9@3"));
        assertEquals(Errno.EINVAL, write(m, "cpu add index 0x10000003"), "already exists");
    }

    @Test
    void lastOnlineCpuCannotBeRemoved() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.lpar(1, 4, 8, 8, 0));

        assertEquals(Errno.EBUSY, write(m, "cpu remove index 0x10000000"));
        assertTrue(m.exists(KernelPaths.cpu(0)));
    }

    @Test
    void qemuRefusesAcquiringADrcWithoutADevice() {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.qemuGuest());

        assertEquals(Errno.EINVAL, write(m, "cpu add index 0x10000002"));
        assertTrue(m.tree().model(PseriesHypervisor.class).kernelLog()
                .contains("pseries-hotplug-cpu: Failed to acquire DRC, rc: -22, drc index: 10000002"));
    }

    @Test
    void hypervisorDimmPlugArrivesAsIndexedCountAndUpdatesTheDeviceTree() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.qemuGuest());
        PseriesHypervisor hv = m.tree().model(PseriesHypervisor.class);

        assertNull(hv.plugDimm(0x8000000aL, 2));

        assertEquals("online", m.readValue(KernelPaths.memoryBlock(11, "state")));
        assertEquals(4, m.readBytes(V2)[3], "four sets, as the kernel's drmem_update_dt writes them");
        assertNull(hv.unplugDimm(0x8000000aL, 2));
        assertFalse(m.exists(KernelPaths.memoryBlock(11)));
    }

    @Test
    void unknownTokensAreRefusedLikeTheKernelParser() {
        SimulatedMachine m = SimulatedMachine.create(PseriesProfile.qemuGuest());
        assertEquals(Errno.EINVAL, write(m, "memory add  count 1"));
        assertThrows(IllegalArgumentException.class, () -> m.write("/sys/kernel/../dlpar", "x"));
    }

    @Test
    void profileSelectedByNameWithDefaultSizesSplitsEachLmbIntoBlocks() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(org.syshotplug.platform.internal.sim.SimConfig.builder()
                .profile("pseries").build());

        assertTrue(m.describe().contains("pseries"), m.describe());
        assertNull(write(m, "memory add count 1"));

        // 16 boot LMBs of 256 MiB in 128 MiB blocks are blocks 0-31; the first device LMBs (16, 17) are
        // assigned at boot, so the new LMB 18 is blocks 36 and 37.
        assertEquals("online", m.readValue(KernelPaths.memoryBlock(36, "state")));
        assertEquals("online", m.readValue(KernelPaths.memoryBlock(37, "state")));
    }

    private static byte[] hex(String words) {
        String h = words.replace(" ", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
