package org.syshotplug.node.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.X86AcpiNumaProfile;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.spi.HotplugException;

/** The node handlers' resolution and rules, on the simulated machines, one handler call at a time. */
class NodeHandlersTest {

    private static SimulatedMachine numa() {
        return SimulatedMachine.create(SimConfig.builder().profile(X86AcpiNumaProfile.NAME).build());
    }

    /** The plain x86-acpi machine split over two nodes: node 1's memory is in ZONE_NORMAL. */
    private static SimulatedMachine twoNodesNormalMemory() {
        return SimulatedMachine.x86Acpi(SimConfig.builder().nodes(2).build());
    }

    private static TestContext validate(Operation op, String... devices) {
        List<DeviceRef> refs = new ArrayList<>();
        for (String d : devices) {
            refs.add(DeviceRef.parse(d));
        }
        return new TestContext(HotplugRequest.of(op, refs.toArray(DeviceRef[]::new)), Phase.VALIDATE);
    }

    private static List<String> names(TestContext c) {
        return c.devices().stream().map(DeviceRef::toString).toList();
    }

    @Test
    void offlineResolvesTheNodeIntoItsBlocksThenItsCpus() throws Exception {
        TestContext c = validate(Operation.OFFLINE, "node:1");

        new NodeResourceHandler(numa(), true).handle(c);

        assertEquals(List.of("memory:8", "memory:9", "memory:10", "memory:11", "memory:12", "memory:13", "memory:14",
                "memory:15", "cpu:2", "cpu:3"), names(c));
    }

    @Test
    void devicesTheRequestAlreadyNamesAreNotRepeated() throws Exception {
        TestContext c = validate(Operation.OFFLINE, "cpu:3", "node:1");

        new NodeResourceHandler(numa(), true).handle(c);

        assertEquals(1, names(c).stream().filter("cpu:3"::equals).count(), names(c).toString());
        assertEquals(10, c.devices().size());
    }

    @Test
    void removeResolvesTheNodeIntoItsContainer() throws Exception {
        TestContext c = validate(Operation.REMOVE, "node:1");

        new NodeFirmwareHandler(numa(), true).handle(c);

        assertEquals(List.of("container:ACPI0004:00"), names(c));
    }

    @Test
    void removeOfANodeSpreadOverSeveralEjectableObjectsTakesThemAll() throws Exception {
        // x86-acpi with two nodes: node 1 = PNP0C80:01 (blocks 8-11) and the container (CPUs 2-3, blocks 12-15)
        TestContext c = validate(Operation.REMOVE, "node:1");

        new NodeFirmwareHandler(twoNodesNormalMemory(), false).handle(c);

        assertEquals(List.of("container:ACPI0004:00", "acpi:PNP0C80:01"), names(c));
    }

    @Test
    void theBootCpusNodeIsAHardVetoNamingTheBootCpu() {
        for (Operation op : List.of(Operation.OFFLINE, Operation.REMOVE)) {
            HotplugException e = assertThrows(HotplugException.class, () -> (op == Operation.REMOVE
                    ? new NodeFirmwareHandler(numa(), true) : new NodeResourceHandler(numa(), true))
                    .handle(validate(op, "node:0")));

            assertFalse(e.overridable());
            assertEquals(Errno.EPERM, e.errno());
            assertTrue(e.getMessage().contains("CPU 0, the boot CPU"), e.getMessage());
        }
    }

    @Test
    void aNodeWithMemoryOutsideZoneMovableIsAnOverridableVetoNamingTheBlock() {
        HotplugException e = assertThrows(HotplugException.class,
                () -> new NodeResourceHandler(twoNodesNormalMemory(), true).handle(validate(Operation.OFFLINE, "node:1")));

        assertTrue(e.overridable());
        assertEquals(DeviceRef.memory(8), e.device());
        assertTrue(e.getMessage().contains("zone Normal, not Movable"), e.getMessage());
    }

    @Test
    void theLastNodeWithNormalMemoryIsAHardVeto() throws Exception {
        SimulatedMachine machine = twoNodesNormalMemory();
        for (int b = 0; b < 8; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
        assertEquals("1", machine.readValue("/sys/devices/system/node/has_normal_memory"));

        HotplugException e = assertThrows(HotplugException.class,
                () -> new NodeResourceHandler(machine, false).handle(validate(Operation.OFFLINE, "node:1")));

        assertFalse(e.overridable());
        assertTrue(e.getMessage().contains("last node with normal (kernel) memory"), e.getMessage());
    }

    @Test
    void nodesLeavingTogetherMustLeaveANodeWithNormalMemory() throws Exception {
        // three nodes: blocks 0-5, 6-11, 12-15, all in ZONE_NORMAL
        SimulatedMachine machine = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(6).nodes(3).build());
        TestContext both = validate(Operation.OFFLINE, "node:1", "node:2");
        assertDoesNotThrow(() -> new NodeResourceHandler(machine, false).handle(both));
        assertEquals(List.of(), both.devices(DeviceRef.NODE));
        for (int b = 0; b < 6; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }

        HotplugException e = assertThrows(HotplugException.class, () -> new NodeResourceHandler(machine, false)
                .handle(validate(Operation.OFFLINE, "node:1", "node:2")));

        assertFalse(e.overridable());
        assertTrue(e.getMessage().contains("nodes 1, 2 are the last nodes with normal (kernel) memory"
                + " (/sys/devices/system/node/has_normal_memory = 1-2)"), e.getMessage());
    }

    @Test
    void hostileAssociativityCellsDoNotBreakTheView() throws Exception {
        SimulatedMachine pseries = SimulatedMachine.create(SimConfig.builder().profile("pseries").build());
        // a lookup table claiming 2^31-1 rows of 2^31-1 cells, with 3 real cells
        pseries.tree().locked(() -> pseries.tree().dir(NodeFirmwareView.DRCONF).binary(
                "ibm,associativity-lookup-arrays", org.syshotplug.platform.internal.sim.SimAttribute.READ_ONLY,
                () -> new byte[] {0x7f, -1, -1, -1, 0x7f, -1, -1, -1, 0, 0, 0, 0}));

        String report = new NodeFirmwareView(pseries).pseriesReport();

        assertTrue(report.contains("DOMAIN"), report);
    }

    @Test
    void aCpuLessNodeResolvesToItsMemoryOnly() throws Exception {
        SimulatedMachine machine = numa();
        for (String cpu : List.of("2", "3")) {
            machine.write("/sys/devices/system/cpu/cpu" + cpu + "/online", "0");
            machine.write("/sys/bus/acpi/devices/ACPI0007:0" + cpu + "/eject", "1");
            // The write only queues the kernel's eject work.
            machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10));
        }
        assertEquals("0", machine.readValue("/sys/devices/system/node/has_cpu"));
        assertEquals("0-1", machine.readValue("/sys/devices/system/node/online"));
        TestContext c = validate(Operation.OFFLINE, "node:1");

        new NodeResourceHandler(machine, true).handle(c);

        assertEquals(8, c.devices().size());
        assertTrue(c.devices().stream().allMatch(d -> d.type().equals("memory")), names(c).toString());
    }

    @Test
    void aMemoryLessNodeResolvesToItsCpusOnly() throws Exception {
        SimulatedMachine machine = numa();
        for (int b = 8; b < 16; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
        machine.write("/sys/bus/acpi/devices/PNP0C80:01/eject", "1");
        // The write only queues the kernel's eject work.
        machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10));
        assertEquals("0", machine.readValue("/sys/devices/system/node/has_memory"));
        TestContext c = validate(Operation.OFFLINE, "node:1");

        new NodeResourceHandler(machine, true).handle(c);

        assertEquals(List.of("cpu:2", "cpu:3"), names(c));
    }

    @Test
    void anUnknownNodeIsRefusedNamingThePossibleOnes() {
        HotplugException e = assertThrows(HotplugException.class,
                () -> new NodeResourceHandler(numa(), true).handle(validate(Operation.OFFLINE, "node:7")));

        assertEquals(Errno.ENODEV, e.errno());
        assertTrue(e.getMessage().contains("possible nodes are 0-1"), e.getMessage());
    }

    @Test
    void aRemovedNodeCannotBeOnlinedUntilFirmwareAddsItBack() throws Exception {
        SimulatedMachine machine = numa();
        ejectNodeOne(machine);
        assertEquals("0", machine.readValue("/sys/devices/system/node/online"));

        HotplugException e = assertThrows(HotplugException.class,
                () -> new NodeResourceHandler(machine, true).handle(validate(Operation.ONLINE, "node:1")));
        assertTrue(e.getMessage().contains("firmware has to add them first"), e.getMessage());

        machine.insertAcpiDevice("ACPI0004:00");
        assertEquals("0-1", machine.readValue("/sys/devices/system/node/online"));
        TestContext add = validate(Operation.ADD, "node:1");
        new NodeFirmwareHandler(machine, true).handle(add);
        assertEquals(List.of("container:ACPI0004:00"), names(add));
    }

    @Test
    void addAndRemoveOfANodeAreRefusedAsReadOnlyOnPseries() {
        SimulatedMachine pseries = SimulatedMachine.create(SimConfig.builder().profile("pseries").build());

        HotplugException e = assertThrows(HotplugException.class,
                () -> new NodeFirmwareHandler(pseries, true).handle(validate(Operation.ADD, "node:0")));

        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertTrue(e.getMessage().contains("on pseries nodes are read-only"), e.getMessage());
        assertTrue(e.getMessage().contains("online and offline of node:0 work"), e.getMessage());
    }

    static void ejectNodeOne(SimulatedMachine machine) throws Exception {
        machine.write("/sys/devices/system/cpu/cpu2/online", "0");
        machine.write("/sys/devices/system/cpu/cpu3/online", "0");
        for (int b = 8; b < 16; b++) {
            machine.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
        // container_handler demands offline: user space offlines the container device before the eject.
        machine.write("/sys/devices/system/container/ACPI0004:00/online", "0");
        machine.write("/sys/bus/acpi/devices/ACPI0004:00/eject", "1");
        // The write only queues the kernel's eject work.
        machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10));
    }
}
