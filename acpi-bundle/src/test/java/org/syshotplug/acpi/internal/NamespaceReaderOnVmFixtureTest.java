package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/** The namespace reader on the sysfs capture of this VM that the platform bundle keeps, read through its LinuxSystemFiles. */
class NamespaceReaderOnVmFixtureTest {

    static final Path VM_FIXTURE = Path.of("../platform-bundle/src/test/resources/fixtures/vm-linux");

    AcpiNamespace ns;

    @BeforeEach
    void readFixture() throws Exception {
        ns = new AcpiNamespaceReader(new LinuxSystemFiles(VM_FIXTURE)).read();
    }

    @Test
    void everyBusEntryBecomesAnObject() {
        assertEquals(41, ns.objects().size());
        assertEquals(List.of("LNXSYSTM:00"), ns.roots().stream().map(AcpiObject::name).toList());
    }

    @Test
    void thirtyTwoEjectablePciSlotsHangBelowTheHostBridge() {
        AcpiObject bridge = ns.byName("PNP0A08:00").orElseThrow();
        List<AcpiObject> slots = ns.children(bridge);

        assertEquals(32, slots.size());
        assertTrue(slots.stream().allMatch(AcpiObject::ejectable));
        assertEquals("device:00", slots.get(0).name());
        assertEquals("device:1f", slots.get(31).name());
        assertEquals(32, ns.objects().stream().filter(AcpiObject::ejectable).count());
        assertEquals("\\_SB_.PC00", bridge.path());
        assertEquals("LNXSYBUS:00", bridge.parent());
    }

    @Test
    void pciSlotCarriesAdrSunAndItsPciFunction() {
        AcpiObject slot = ns.find(DeviceRef.of("acpi", "\\_SB_.PC00.S001")).orElseThrow();

        assertEquals("device:01", slot.name());
        assertNull(slot.hid());
        assertEquals(0x0001_0000L, slot.adr());
        assertEquals(1, slot.sun());
        assertEquals(List.of(DeviceRef.of("pci", "0000:00:01.0")), slot.owned());
        assertFalse(slot.status().evaluated());
        assertTrue(slot.status().present());
    }

    @Test
    void emptySlotHasNoPhysicalNode() {
        AcpiObject slot = ns.byName("device:06").orElseThrow();

        assertTrue(slot.physicalNodes().isEmpty());
        assertTrue(slot.ejectable());
    }

    @Test
    void statusBitsAreReadWhereTheObjectHasSta() {
        AcpiObject clock = ns.byName("AMZNC10C:00").orElseThrow();

        assertTrue(clock.status().evaluated());
        assertEquals(15, clock.status().bits());
        assertEquals("15 present,enabled,shown,functioning", clock.status().describe());
    }

    @Test
    void everyPhysicalNodeIsFollowed() {
        AcpiObject serial = ns.byName("PNP0501:00").orElseThrow();

        assertEquals(3, serial.physicalNodes().size());
        assertEquals("/sys/devices/pnp0/00:00", serial.physicalNodes().get(0));
        assertTrue(serial.owned().isEmpty());
    }

    @Test
    void thisFirecrackerGuestHasNoProcessorMemoryOrContainerObjects() {
        assertTrue(ns.objects().stream().allMatch(o -> o.kind() == AcpiKind.OTHER));
    }
}
