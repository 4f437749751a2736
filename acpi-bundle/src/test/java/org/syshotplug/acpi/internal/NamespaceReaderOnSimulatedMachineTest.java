package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

class NamespaceReaderOnSimulatedMachineTest {

    @Test
    void containerOwnsItsProcessorsAndMemoryDeviceThroughTheSymlinkTree() throws Exception {
        AcpiNamespace ns = new AcpiNamespaceReader(SimulatedMachine.x86Acpi(4, 8)).read();

        AcpiObject container = ns.byName("ACPI0004:00").orElseThrow();
        assertEquals(AcpiKind.CONTAINER, container.kind());
        assertTrue(container.ejectable());
        assertEquals(List.of("ACPI0007:02", "ACPI0007:03", "PNP0C80:01"),
                ns.children(container).stream().map(AcpiObject::name).toList());
        // The container's own device (drivers/acpi/container.c) comes first, then what its children own.
        assertEquals(List.of(DeviceRef.of(DeviceRef.CONTAINER, "ACPI0004:00"), DeviceRef.cpu(2), DeviceRef.cpu(3),
                DeviceRef.memory(4), DeviceRef.memory(5), DeviceRef.memory(6), DeviceRef.memory(7)),
                ns.ownedDevices(container));
        AcpiObject memory = ns.byName("PNP0C80:01").orElseThrow();
        assertEquals(4, memory.physicalNodes().size());
        assertEquals(DeviceRef.cpu(0), ns.byName("ACPI0007:00").orElseThrow().owned().get(0));
        assertFalse(ns.byName("ACPI0007:00").orElseThrow().ejectable());
        assertEquals(4, ns.children(ns.byName("PNP0A08:00").orElseThrow()).size());
    }

    @Test
    void namespaceViewOfTheSimulatorShowsTheContainerTree() {
        String out = new AcpiCommands(SimulatedMachine.x86Acpi(4, 8)).acpi(true);

        assertTrue(out.matches("(?s).*\n    ACPI0004:00 +ACPI0004 +\\\\_SB_\\.CNT0 +container +15 [a-z,]+ +yes +container:ACPI0004:00\n.*"), out);
        assertTrue(out.matches("(?s).*\n      PNP0C80:01 .* memory:4-7\n.*"), out);
    }
}
