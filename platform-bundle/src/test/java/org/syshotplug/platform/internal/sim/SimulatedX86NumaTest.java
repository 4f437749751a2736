package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

/** The two-node x86 machine: node masks as the kernel keeps them while node 1 goes offline, away and back. */
class SimulatedX86NumaTest {

    private static final String NODE = "/sys/devices/system/node";

    private final SimulatedMachine machine =
            SimulatedMachine.create(SimConfig.builder().profile(X86AcpiNumaProfile.NAME).build());

    private String read(String path) throws SystemFileException {
        return machine.readValue(path);
    }

    private void offlineNodeOne() throws SystemFileException {
        machine.write("/sys/devices/system/cpu/cpu2/online", "0");
        machine.write("/sys/devices/system/cpu/cpu3/online", "0");
        for (int b = 8; b < 16; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
    }

    @Test
    void bootsWithTwoNodesAndNodeOneMemoryMovable() throws SystemFileException {
        assertEquals("simulated x86-acpi-numa 4 CPUs, 16 memory blocks, 2 nodes", machine.describe());
        for (String mask : new String[] {"possible", "online", "has_cpu", "has_memory"}) {
            assertEquals("0-1", read(NODE + "/" + mask), mask);
        }
        assertEquals("0", read(NODE + "/has_normal_memory"));
        assertEquals("2-3", read(NODE + "/node1/cpulist"));
        assertEquals("/sys/devices/system/memory/memory8", machine.readLink(NODE + "/node1/memory8"));
        assertEquals("Movable", read("/sys/devices/system/memory/memory8/valid_zones"));
        assertEquals("Normal", read("/sys/devices/system/memory/memory0/valid_zones"));
        assertEquals("20 10", read(NODE + "/node1/distance"));
        assertTrue(machine.read(NODE + "/node1/meminfo").startsWith("Node 1 MemTotal:        1048576 kB\n"));
        assertEquals("\\_SB_.N001", read("/sys/bus/acpi/devices/ACPI0004:00/path"));
        assertEquals("/sys/devices/system/cpu/cpu2",
                machine.readLink("/sys/bus/acpi/devices/ACPI0004:00/ACPI0007:02/physical_node"));
    }

    @Test
    void offliningEveryDeviceClearsTheDeviceMasksButTheNodeStaysOnline() throws SystemFileException {
        offlineNodeOne();

        assertEquals("0", read(NODE + "/has_cpu"));
        assertEquals("0", read(NODE + "/has_memory"));
        assertEquals("0-1", read(NODE + "/online"), "N_ONLINE holds while the devices are present");
        assertEquals("", read(NODE + "/node1/cpulist"));
        assertEquals("Node 1 MemTotal:              0 kB", machine.read(NODE + "/node1/meminfo").lines().findFirst().get());
        assertEquals("Movable Normal", read("/sys/devices/system/memory/memory8/valid_zones"),
                "with movable_node an emptied node's memory comes back movable");
    }

    @Test
    void ejectingTheContainerTakesTheNodeOfflineAndInsertingItBringsItBack() throws SystemFileException {
        offlineNodeOne();

        machine.write("/sys/devices/system/container/ACPI0004:00/online", "0");
        machine.write("/sys/bus/acpi/devices/ACPI0004:00/eject", "1");
        awaitIdle();

        assertEquals("0", read(NODE + "/online"));
        assertEquals("0-1", read(NODE + "/possible"));
        assertFalse(machine.exists(NODE + "/node1"));
        assertEquals("10", read(NODE + "/node0/distance"));

        machine.insertAcpiDevice("ACPI0004:00");

        assertEquals("0-1", read(NODE + "/online"));
        assertEquals("0", read(NODE + "/has_cpu"), "hot-added CPUs come offline");
        assertTrue(machine.exists(NODE + "/node1/cpu2"));
        machine.write("/sys/devices/system/memory/memory8/state", "online");
        assertEquals("0-1", read(NODE + "/has_memory"));
        assertEquals("Movable", read("/sys/devices/system/memory/memory8/valid_zones"));
    }

    @Test
    void theContainerStaysWhileItsContainerDeviceIsOnline() throws Exception {
        offlineNodeOne();

        machine.write("/sys/bus/acpi/devices/ACPI0004:00/eject", "1");
        awaitIdle();

        assertEquals("0-1", read(NODE + "/online"));
        assertEquals("15", read("/sys/bus/acpi/devices/ACPI0004:00/status"));
    }

    private void awaitIdle() {
        try {
            assertTrue(machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10)), "hot-plug work finished");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
