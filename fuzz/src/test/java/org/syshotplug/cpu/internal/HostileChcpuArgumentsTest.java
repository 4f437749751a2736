package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FolderSystemFiles;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/** {@code hotplug:chcpu} with hostile CPU lists: refused with a clear, bounded message; the next chcpu works. */
class HostileChcpuArgumentsTest {

    @TempDir
    Path folder;

    private FolderSystemFiles files;
    private Sequencer sequencer;
    private CpuCommands commands;

    @BeforeEach
    void fourCpusAllOnline() {
        files = CpuFolders.fourOnlineCpus(folder);
        sequencer = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(20)));
        sequencer.addHandler(new CpuValidateHandler(files), Map.of(HandlerProperties.PHASE, "validate",
                HandlerProperties.PRIORITY, HandlerProperties.CPU, HandlerProperties.DEVICES, new String[] {"cpu"}));
        sequencer.addHandler(new CpuOnlineHandler(files), Map.of(HandlerProperties.PHASE, "execute",
                HandlerProperties.PRIORITY, HandlerProperties.CPU, HandlerProperties.DEVICES, new String[] {"cpu"}));
        commands = new CpuCommands(sequencer, files);
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-99999999", "8192", "-1", "1-", "1--3", "3-1", "1,,3", "1;3", "../1", "1/2", "\uff11",
        "\u0661", "1\u0000", "1\u009b2J", "0x1", "1e3", "2147483648", "99999999999999999999"})
    void aHostileCpuListIsRefusedAndTheNextChcpuSucceeds(String list) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.chcpu(false, "", list, true, false));

        ClearErrors.requireClear(e);
        assertEquals("1", files.readValue(KernelPaths.cpu(1, "online")));
        assertTrue(commands.chcpu(false, "", "3", true, false).startsWith("CPU 3 "));
        assertEquals("0", files.readValue(KernelPaths.cpu(3, "online")));
    }

    @ParameterizedTest
    @ValueSource(ints = {10_000, 1_000_000})
    void aHugeCpuListGivesABoundedMessage(int repeats) throws Exception {
        String list = "1,".repeat(repeats) + "x";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.chcpu(false, "", list, true, false));

        ClearErrors.requireClear(e);
        assertTrue(commands.chcpu(false, "", "3", true, false).startsWith("CPU 3 "));
    }
}
