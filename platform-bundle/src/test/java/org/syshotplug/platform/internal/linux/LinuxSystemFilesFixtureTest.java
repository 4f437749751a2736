package org.syshotplug.platform.internal.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

/** LinuxSystemFiles on the capture of this project's VM (fixtures/vm-linux, see its README.md). */
class LinuxSystemFilesFixtureTest {

    static final Path VM = Path.of("src/test/resources/fixtures/vm-linux");

    private final LinuxSystemFiles files = new LinuxSystemFiles(VM);

    @Test
    void readsCpuMasksWithTheirTrailingNewline() throws Exception {
        assertEquals("0-1\n", files.read("/sys/devices/system/cpu/possible"));
        assertEquals("0-1", files.readValue("/sys/devices/system/cpu/present"));
        assertEquals("255", files.readValue("/sys/devices/system/cpu/kernel_max"));
    }

    @Test
    void readsTheCpuhpStateTableAndPerCpuState() throws Exception {
        List<String> states = files.read("/sys/devices/system/cpu/hotplug/states").lines().toList();
        assertEquals(76, states.size());
        assertTrue(states.contains("187: workqueue:online"));
        assertFalse(files.exists("/sys/devices/system/cpu/cpu0/online"), "x86 CPU 0 is not hot-pluggable");
        assertTrue(files.exists("/sys/devices/system/cpu/cpu1/hotplug/fail"));
        assertEquals("236", files.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
    }

    @Test
    void listsMemoryBlocksSortedWithTheHoleOfTheVm() throws Exception {
        List<String> names = files.list("/sys/devices/system/memory");
        long blocks = names.stream().filter(n -> n.startsWith("memory")).count();
        assertEquals(192, blocks);
        assertTrue(names.contains("block_size_bytes") && !names.contains("memory24"));
        assertEquals(names.stream().sorted().toList(), names);
        assertEquals("8000000", files.readValue("/sys/devices/system/memory/block_size_bytes"));
        assertEquals("000000c3", files.readValue("/sys/devices/system/memory/memory195/phys_index"));
    }

    @Test
    void readLinkGivesAbsoluteKernelPathsEvenThroughLinkedFolders() throws Exception {
        assertEquals("/sys/devices/LNXSYSTM:00", files.readLink("/sys/bus/acpi/devices/LNXSYSTM:00"));
        assertEquals("/sys/devices/system/node/node0", files.readLink("/sys/devices/system/cpu/cpu1/node0"));
        assertEquals("/sys/devices/pci0000:00/0000:00:03.0",
                files.readLink("/sys/bus/acpi/devices/device:03/physical_node"));
    }

    @Test
    void readsAcpiAttributesThroughTheBusLinks() throws Exception {
        assertEquals("PNP0A08", files.readValue("/sys/bus/acpi/devices/PNP0A08:00/hid"));
        assertEquals("\\_SB_.PC00.S003", files.readValue("/sys/bus/acpi/devices/device:03/path"));
        assertEquals("15", files.readValue("/sys/bus/acpi/devices/AMZNC10C:00/status"));
        assertTrue(files.isDirectory("/sys/bus/acpi/devices/PNP0A08:00/device:1f"));
        assertEquals(41, files.list("/sys/bus/acpi/devices").size());
    }

    @Test
    void readsTheMadtAsBinaryWithAValidChecksum() throws Exception {
        byte[] madt = files.readBytes("/sys/firmware/acpi/tables/APIC");
        assertEquals(72, madt.length);
        assertArrayEquals("APIC".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(madt, 4));
        int sum = 0;
        for (byte b : madt) {
            sum += b & 0xFF;
        }
        assertEquals(0, sum & 0xFF);
    }

    @Test
    void readLinkOnAFileThatIsNoLinkIsEinvalLikeReadlink() {
        assertEquals(Errno.EINVAL, assertThrows(SystemFileException.class,
                () -> files.readLink("/sys/devices/system/cpu/possible")).errno());
    }

    @Test
    void missingFileIsEnoent() {
        SystemFileException e = assertThrows(SystemFileException.class,
                () -> files.read("/sys/devices/system/cpu/cpu7/online"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("/sys/devices/system/cpu/cpu7/online"), e.getMessage());
    }

    @Test
    void writeStoresTheWholeValueInOneCall(@TempDir Path root) throws Exception {
        Path online = Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu1")).resolve("online");
        Files.writeString(online, "1\n");
        LinuxSystemFiles tmp = new LinuxSystemFiles(root);

        tmp.write("/sys/devices/system/cpu/cpu1/online", "0");

        assertEquals("0", Files.readString(online));
    }

    @Test
    void writeToMissingFileIsEnoentAndNeverCreatesIt(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("sys/devices/system/cpu"));
        LinuxSystemFiles tmp = new LinuxSystemFiles(root);

        SystemFileException e = assertThrows(SystemFileException.class,
                () -> tmp.write("/sys/devices/system/cpu/online", "0"));

        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("'0'"), e.getMessage());
        assertFalse(Files.exists(root.resolve("sys/devices/system/cpu/online")));
    }

    @Test
    void writeToFolderIsEisdir(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu1"));
        SystemFileException e = assertThrows(SystemFileException.class,
                () -> new LinuxSystemFiles(root).write("/sys/devices/system/cpu/cpu1", "0"));
        assertEquals(Errno.EISDIR, e.errno());
    }

    @Test
    void errnoComesFromTheStrerrorTextOfTheJdkMessage() {
        assertEquals(Errno.EBUSY, LinuxSystemFiles.errnoOf(new java.io.IOException("Device or resource busy")));
        assertEquals(Errno.EAGAIN,
                LinuxSystemFiles.errnoOf(new java.io.IOException("Resource temporarily unavailable")));
        assertEquals(Errno.EIO, LinuxSystemFiles.errnoOf(new java.io.IOException("something else")));
    }
}
