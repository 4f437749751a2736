package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.spi.HotplugException;

/** The bus checks on this VM's captured namespace, where every ejectable object is a PCI slot. */
class BusValidatorOnVmFixtureTest {

    final AcpiBusValidator validator = new AcpiBusValidator(new LinuxSystemFiles(NamespaceReaderOnVmFixtureTest.VM_FIXTURE));

    static TestContext remove(String id) {
        return new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", id)), Phase.VALIDATE);
    }

    @Test
    void slotHoldingAPciFunctionIsAnOverridableVeto() {
        HotplugException e = assertThrows(HotplugException.class, () -> validator.handle(remove("device:01")));

        assertTrue(e.overridable());
        assertTrue(e.getMessage().contains("pci:0000:00:01.0"), e.getMessage());
    }

    @Test
    void emptySlotMayBeEjected() throws Exception {
        validator.handle(remove("\\_SB_.PC00.S006"));
    }

    @Test
    void hostBridgeWithoutEj0IsRefusedBeforeAnyOverridableVeto() {
        // Its physical node (the PCI root bus) would also draw the overridable veto; the hard one must win,
        // or force would skip the whole check.
        HotplugException e = assertThrows(HotplugException.class, () -> validator.handle(remove("PNP0A08:00")));

        assertEquals(Errno.EOPNOTSUPP, e.errno());
        assertFalse(e.overridable());
    }

    @Test
    void addOfAPresentSlotPasses() throws Exception {
        validator.handle(new TestContext(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "device:01")),
                Phase.VALIDATE));
    }
}
