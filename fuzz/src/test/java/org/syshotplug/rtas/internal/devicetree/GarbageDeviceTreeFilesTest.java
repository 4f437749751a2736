package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FolderSystemFiles;
import org.syshotplug.platform.KernelPaths;

/**
 * {@code /proc/device-tree} files that are empty, short or lying about their counts, read through
 * {@link ProcDeviceTree} as the rtas bundle reads them: refused with the offset, never an
 * exception of another kind, and a sound tree reads again afterwards.
 */
class GarbageDeviceTreeFilesTest {

    private static final String CPUS = KernelPaths.DEVICE_TREE + "/cpus/";

    @TempDir
    Path folder;

    private FolderSystemFiles oneCpuDrc() {
        return new FolderSystemFiles(folder)
                .put(CPUS + DrcTable.INDEXES, new byte[] {0, 0, 0, 1, 0x10, 0, 0, 3})
                .put(CPUS + DrcTable.NAMES, new byte[] {0, 0, 0, 1, 'C', 'P', 'U', ' ', '3', 0})
                .put(CPUS + DrcTable.TYPES, new byte[] {0, 0, 0, 1, 'C', 'P', 'U', 0})
                .put(CPUS + DrcTable.POWER_DOMAINS, new byte[] {0, 0, 0, 1, -1, -1, -1, -1});
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\u0000\u0000\u0000", "\u0000\u0000\u0000\u0002\u0010\u0000\u0000\u0003",
        "\u007f\u00ff\u00ff\u00ff", "garbage!"})
    void aGarbageDrcIndexesFileIsRefusedAndASoundOneReadsAgain(String garbage) {
        FolderSystemFiles files = oneCpuDrc().put(CPUS + DrcTable.INDEXES, garbage);
        ProcDeviceTree tree = new ProcDeviceTree(files);

        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DrcTable.read(tree, "/cpus"));

        ClearErrors.requireClear(e);
        oneCpuDrc();
        assertEquals(List.of("CPU 3"), DrcTable.read(tree, "/cpus").stream().map(Drc::name).toList());
    }

    @Test
    void namesWithoutTheirNulTerminatorAreRefused() {
        FolderSystemFiles files = oneCpuDrc().put(CPUS + DrcTable.NAMES, new byte[] {0, 0, 0, 1, 'C', 'P', 'U'});

        ClearErrors.requireClear(assertThrows(MalformedDataException.class,
                () -> DrcTable.read(new ProcDeviceTree(files), "/cpus")));
    }

    @Test
    void anEmptyLmbSizeIsRefused() {
        FolderSystemFiles files = new FolderSystemFiles(folder)
                .put(KernelPaths.DEVICE_TREE + DynamicMemory.NODE + "/" + DynamicMemory.LMB_SIZE, new byte[0]);

        ClearErrors.requireClear(assertThrows(MalformedDataException.class,
                () -> DynamicMemory.read(new ProcDeviceTree(files))));
    }
}
