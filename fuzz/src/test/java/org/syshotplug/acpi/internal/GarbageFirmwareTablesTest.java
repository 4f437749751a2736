package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FolderSystemFiles;
import org.syshotplug.platform.KernelPaths;

/**
 * {@code hotplug:madt} over an APIC table file that is empty, truncated or random: the command
 * fails with a message naming the offset, and once the file holds a real table it works again.
 */
class GarbageFirmwareTablesTest {

    @TempDir
    Path folder;

    private static byte[] vmTable() throws IOException {
        String seed = "/org/syshotplug/acpi/internal/MadtParserFuzzTestInputs/"
                + "tablesParseWithSubtablesTilingTheBodyOrAreRefused/seed-vm-linux-APIC";
        try (InputStream in = GarbageFirmwareTablesTest.class.getResourceAsStream(seed)) {
            return in.readAllBytes();
        }
    }

    private void madtWorksAgain(FolderSystemFiles files, AcpiCommands commands) throws IOException {
        files.put(KernelPaths.MADT, vmTable());
        String listing = commands.madt(false);
        assertTrue(listing.startsWith("MADT revision"), listing);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 35, 36, 43, 44, 71})
    void aTruncatedOrEmptyTableIsRefusedNamingTheOffset(int length) throws IOException {
        byte[] table = java.util.Arrays.copyOf(vmTable(), length);
        FolderSystemFiles files = new FolderSystemFiles(folder).put(KernelPaths.MADT, table);
        AcpiCommands commands = new AcpiCommands(files);

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> commands.madt(true));

        ClearErrors.requireClear(e);
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        madtWorksAgain(files, commands);
    }

    @Test
    void randomBytesAreRefusedAndAMissingFileIsAnErrorNamingIt() throws IOException {
        byte[] noise = new byte[4096];
        new Random(8).nextBytes(noise);
        FolderSystemFiles files = new FolderSystemFiles(folder).put(KernelPaths.MADT, noise);
        AcpiCommands commands = new AcpiCommands(files);

        ClearErrors.requireClear(assertThrows(MadtFormatException.class, () -> commands.madt(true)));
        AcpiCommands noTable = new AcpiCommands(new FolderSystemFiles(folder.resolve("empty")));
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> noTable.madt(false));
        assertTrue(missing.getMessage().contains(KernelPaths.MADT), missing.getMessage());

        madtWorksAgain(files, commands);
    }
}
