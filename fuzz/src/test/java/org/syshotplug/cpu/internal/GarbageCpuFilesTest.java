package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FolderSystemFiles;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * The CPU handlers over a sysfs tree whose files hold garbage (a broken or hostile kernel, a
 * bad fixture, a half-written file): the request is refused or rolled back with an error that
 * names the problem, and once the file reads sensibly again the next request succeeds.
 */
class GarbageCpuFilesTest {

    @TempDir
    Path folder;

    private FolderSystemFiles files;
    private Sequencer sequencer;

    @BeforeEach
    void fourCpusAllOnline() {
        files = CpuFolders.fourOnlineCpus(folder);
        sequencer = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(20)));
        sequencer.addHandler(new CpuValidateHandler(files), props("org.syshotplug.cpu.validate", "validate"));
        sequencer.addHandler(new CpuOnlineHandler(files), props("org.syshotplug.cpu.online", "execute"));
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private static Map<String, Object> props(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY,
                HandlerProperties.CPU, HandlerProperties.DEVICES, new String[] {"cpu"});
    }

    private HotplugResult offline(int cpu) throws Exception {
        return sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(cpu))).getValue();
    }

    private void nextOfflineSucceeds() throws Exception {
        HotplugResult good = offline(3);
        assertEquals(Outcome.SUCCEEDED, good.outcome(), good.summary());
        assertEquals("0", files.readValue(KernelPaths.cpu(3, "online")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-3,garbage\n", "3-0\n", "0-99999\n", "\u0000\u0001\u0002", "0-3\u001b[2J\n"})
    void aGarbagePresentMaskRefusesTheRequestNamingTheBadItem(String garbage) throws Exception {
        files.put(KernelPaths.CPU_ROOT + "/present", garbage);

        HotplugResult refused = offline(2);

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertTrue(refused.error().message().contains("CPU"), refused.error().message());
        assertEquals("1", files.readValue(KernelPaths.cpu(2, "online")), "nothing was written");
        files.put(KernelPaths.CPU_ROOT + "/present", "0-3\n");
        nextOfflineSucceeds();
    }

    @Test
    void anEmptyPresentMaskRefusesTheRequestAsNotPresent() throws Exception {
        files.put(KernelPaths.CPU_ROOT + "/present", "");

        HotplugResult refused = offline(2);

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertTrue(refused.error().message().contains("not present"), refused.error().message());
        files.put(KernelPaths.CPU_ROOT + "/present", "0-3\n");
        nextOfflineSucceeds();
    }

    @Test
    void aHugeGarbageOnlineMaskGivesABoundedMessage() throws Exception {
        files.put(KernelPaths.CPU_ROOT + "/online", "x".repeat(1 << 20));

        HotplugResult refused = offline(2);

        assertNotEquals(Outcome.SUCCEEDED, refused.outcome(), refused.summary());
        assertTrue(refused.error().message().length() < 2000, () -> "message of "
                + refused.error().message().length() + " characters");
        files.put(KernelPaths.CPU_ROOT + "/online", "0-3\n");
        nextOfflineSucceeds();
    }

    @ParameterizedTest
    @ValueSource(strings = {"banana\n", "", "2\n", "\u0000", "1 0\n"})
    void aGarbageOnlineFileIsNotMistakenForAState(String garbage) throws Exception {
        files.put(KernelPaths.cpu(2, "online"), garbage);

        HotplugResult result = offline(2);

        // The kernel writes exactly "0\n" or "1\n"; anything else must not pass for "already offline".
        assertEquals(Outcome.REJECTED, result.outcome(), () -> "offline of a CPU whose online file reads '"
                + garbage.replaceAll("\\p{Cc}", "?") + "': " + result.summary());
        assertEquals(Errno.EIO, result.error().errno());
        assertTrue(result.error().message().contains(KernelPaths.cpu(2, "online")), result.error().message());
        ClearErrors.requireClear(new IllegalStateException(result.error().message()));
        files.put(KernelPaths.cpu(2, "online"), "1\n");
        nextOfflineSucceeds();
    }
}
