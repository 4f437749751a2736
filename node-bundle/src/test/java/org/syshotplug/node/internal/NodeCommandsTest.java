package org.syshotplug.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.X86AcpiNumaProfile;

/** {@code hotplug:nodes} and the node inventory on the simulated two-node machine and on pseries. */
class NodeCommandsTest {

    private static SimulatedMachine numa() {
        return SimulatedMachine.create(SimConfig.builder().profile(X86AcpiNumaProfile.NAME).build());
    }

    @Test
    void hardwareViewPrintsWhatNumactlPrints() throws Exception {
        String out = new NodeCommands(numa()).nodes(true, false);

        // 8 blocks of 128 MiB per node, an eighth of it in use
        assertEquals("""
                available: 2 nodes (0-1)
                node 0 cpus: 0 1
                node 0 size: 1024 MB
                node 0 free: 896 MB
                node 1 cpus: 2 3
                node 1 size: 1024 MB
                node 1 free: 896 MB
                node distances:
                node   0   1 \n\
                  0:  10  20 \n\
                  1:  20  10 \n\
                """, out);
    }

    @Test
    void tableShowsMasksAndTheContainerHoldingTheNode() throws Exception {
        String out = new NodeCommands(numa()).nodes(false, true);

        List<String> lines = out.lines().toList();
        assertEquals("NODE STATE  CPUS ONLINE-CPUS BLOCKS MEMORY FREE HAS_CPU HAS_MEMORY NORMAL FIRMWARE", lines.get(0));
        assertTrue(lines.get(1).strip().matches("0 +online +0-1 +0-1 +0-7 +1G +896M +yes +yes +yes +-"), lines.get(1));
        assertTrue(lines.get(2).strip().matches("1 +online +2-3 +2-3 +8-15 +1G +896M +yes +yes +no +ACPI0004:00"), lines.get(2));
    }

    @Test
    void anOfflinedNodeStaysOnlineWithoutCpusOrMemoryAndARemovedOneIsGone() throws Exception {
        SimulatedMachine machine = numa();
        machine.write("/sys/devices/system/cpu/cpu2/online", "0");
        machine.write("/sys/devices/system/cpu/cpu3/online", "0");
        for (int b = 8; b < 16; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
        NodeCommands commands = new NodeCommands(machine);

        assertTrue(commands.nodes(false, true).lines().toList().get(2).strip()
                .matches("1 +online +2-3 +- +8-15 +0K +0K +no +no +no +ACPI0004:00"), commands.nodes(false, true));
        assertTrue(commands.nodes(true, false).contains("node 1 cpus:\nnode 1 size: 0 MB\n"));

        // container_handler demands offline: user space offlines the container device before the eject.
        machine.write("/sys/devices/system/container/ACPI0004:00/online", "0");
        machine.write("/sys/bus/acpi/devices/ACPI0004:00/eject", "1");

        // The write only queues the kernel's eject work.

        machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10));

        assertTrue(commands.nodes(true, false).startsWith("available: 1 nodes (0)\n"));
        assertTrue(commands.nodes(false, true).lines().toList().get(2).strip().matches("1 +offline( +-){4} +-( +no){3} +-"),
                commands.nodes(false, true));
    }

    @Test
    void inventoryListsEveryPossibleNode() {
        List<DeviceInfo> nodes = new NodeInventory(numa()).devices();

        assertEquals(2, nodes.size());
        Map<String, String> one = nodes.get(1).attributes();
        assertEquals("node:1", nodes.get(1).ref().toString());
        assertEquals("online", nodes.get(1).state());
        assertEquals("2-3", one.get("cpus"));
        assertEquals("8-15", one.get("blocks"));
        assertEquals("no", one.get("has_normal_memory"));
        assertEquals("ACPI0004:00", one.get("firmware"));
    }

    @Test
    void pseriesShowsItsNodesAndTheFirmwareDomainsReadOnly() throws Exception {
        SimulatedMachine pseries = SimulatedMachine.create(SimConfig.builder().profile("pseries").build());

        String out = new NodeCommands(pseries).nodes(false, false);

        assertTrue(out.startsWith("available: 1 nodes (0)\n"), out);
        assertTrue(out.contains("pseries firmware nodes (ibm,associativity at reference point 1), read-only"), out);
        assertTrue(out.contains("pseries domain 0 (read-only)"), out);
    }

    @Test
    void contradictoryOptionsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NodeCommands(numa()).nodes(true, true));
        assertTrue(e.getMessage().contains("at most one of -H"), e.getMessage());
    }
}
