package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

class AcpiCommandsTest {

    @TempDir
    Path dir;

    @Test
    void namespaceViewShowsTheContainerTreeWithOwnedDevicesFolded() {
        SysTree.containerMachine(dir);
        String out = new AcpiCommands(new LinuxSystemFiles(dir)).acpi(false);

        String[] lines = out.split("\n");
        assertTrue(lines[0].matches("NAME +HID +PATH +KIND +STATUS +EJECT +OWNS"), lines[0]);
        assertTrue(out.contains("\n    ACPI0004:00    ACPI0004  \\_SB_.CON0  "), out);
        assertTrue(out.matches("(?s).*      PNP0C80:00 .* memory .* no +memory:8-11\n.*"), out);
        assertTrue(out.matches("(?s).*ACPI0004:00 .* container .*15 present,enabled,shown,functioning +yes .*"), out);
    }

    @Test
    void namespaceViewOfThisVmListsThePciSlots() {
        String out = new AcpiCommands(new LinuxSystemFiles(NamespaceReaderOnVmFixtureTest.VM_FIXTURE)).acpi(true);

        assertTrue(out.contains("      device:1f"), out);
        assertTrue(out.contains("pci:0000:00:01.0"), out);
        assertFalse(out.contains("PNP0501:00"), out);
    }

    @Test
    void madtViewOfThisVmShowsTwoEnabledSlots() {
        String out = new AcpiCommands(new LinuxSystemFiles(NamespaceReaderOnVmFixtureTest.VM_FIXTURE)).madt(true);

        assertTrue(out.startsWith("MADT revision 6, 72 bytes, OEM FIRECK FCVMMADT, creator FCAT, checksum ok"), out);
        assertTrue(out.contains("2 CPU slots: 2 enabled, 0 hot-pluggable"), out);
        assertTrue(out.contains("IOAPIC"), out);
        assertEquals(2, out.lines().filter(l -> l.matches("[01] +[01] +LAPIC +yes +no +enabled +\\d+")).count(), out);
    }

    @Test
    void madtViewExplainsAnUnreadableTable() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new AcpiCommands(new LinuxSystemFiles(dir)).madt(false));

        assertTrue(e.getMessage().contains("root only"), e.getMessage());
    }
}
