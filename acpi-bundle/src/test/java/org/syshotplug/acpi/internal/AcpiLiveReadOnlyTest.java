package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * Reads this machine's real ACPI namespace and MADT. Read-only: nothing is written, least of all an
 * {@code eject} file.
 */
class AcpiLiveReadOnlyTest {

    static LinuxSystemFiles realMachine() {
        Assumptions.assumeFalse("false".equals(System.getProperty("syshotplug.live")) || "0".equals(System.getenv("SYSHOTPLUG_LIVE")),
                "skipped: live tests turned off (SYSHOTPLUG_LIVE=0 or -Dsyshotplug.live=false)");
        Assumptions.assumeTrue(Files.isReadable(Path.of(KernelPaths.MADT)) && Files.isDirectory(Path.of(KernelPaths.ACPI_DEVICES)),
                "skipped: not root or not an ACPI machine (" + KernelPaths.MADT + " unreadable)");
        return new LinuxSystemFiles(Path.of("/"));
    }

    @Test
    void realMadtListsExactlyThePresentCpusAsEnabled() throws Exception {
        LinuxSystemFiles files = realMachine();

        Madt madt = MadtParser.parse(files.readBytes(KernelPaths.MADT));

        TreeSet<Long> present = MadtParserTest.cpuList(files.read(KernelPaths.CPU_ROOT + "/present"));
        assertEquals(present, madt.enabledCpus().stream().map(CpuSlot::apicId)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertTrue(madt.checksumValid());
    }

    @Test
    void realNamespaceIsOneTreeWithEveryBusEntry() throws Exception {
        LinuxSystemFiles files = realMachine();

        AcpiNamespace ns = new AcpiNamespaceReader(files).read();

        assertEquals(files.list(KernelPaths.ACPI_DEVICES).size(), ns.objects().size());
        assertEquals(1, ns.roots().size());
        assertFalse(new AcpiCommands(files).acpi(false).isBlank());
    }
}
