package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * The memory handlers over kernel files that hold garbage or answer with an injected errno: the
 * request ends with an error that names the file or the errno, and the next good request succeeds.
 */
class GarbageMemoryFilesTest {

    private static final long BLOCK = 128L << 20;

    @TempDir
    Path folder;

    private FolderSystemFiles files;
    private Sequencer sequencer;

    /** Blocks 0-3 online, 4-7 offline, 128 MiB each, as an x86 guest shows them. */
    @BeforeEach
    void eightBlocks() {
        files = new FolderSystemFiles(folder).put(MemoryTopology.BLOCK_SIZE, "8000000\n");
        for (int b = 0; b < 8; b++) {
            files.put(KernelPaths.memoryBlock(b, "phys_index"), String.format("%08x%n", b));
            files.put(KernelPaths.memoryBlock(b, "state"), b < 4 ? "online\n" : "offline\n");
            files.put(KernelPaths.memoryBlock(b, "removable"), "1\n");
            files.put(KernelPaths.memoryBlock(b, "valid_zones"), b < 4 ? "Normal\n" : "Normal Movable\n");
        }
        sequencer = chain(files);
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private static Sequencer chain(org.syshotplug.platform.SystemFiles files) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(20)));
        s.addHandler(MemoryHandlers.validate(files, false, "online"), props("org.syshotplug.memory.validate", "validate"));
        s.addHandler(MemoryHandlers.online(files, false, "online"), props("org.syshotplug.memory.online", "execute"));
        return s;
    }

    private static Map<String, Object> props(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY,
                HandlerProperties.MEMORY, HandlerProperties.DEVICES, new String[] {"memory"});
    }

    private HotplugResult online(String size) throws Exception {
        return sequencer.submit(HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.any(DeviceRef.MEMORY))
                .parameter("size", size).build()).getValue();
    }

    private void nextOnlineSucceeds() throws Exception {
        HotplugResult good = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.memory(5))).getValue();
        assertEquals(Outcome.SUCCEEDED, good.outcome(), good.summary());
        assertEquals("online", files.readValue(KernelPaths.memoryBlock(5, "state")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "zzz\n", "0\n", "-8000000\n", "ffffffffffffffffffff\n", "0x\n", "8000000 8000000\n"})
    void aGarbageBlockSizeRefusesTheRequestNamingTheFile(String garbage) throws Exception {
        files.put(MemoryTopology.BLOCK_SIZE, garbage);

        HotplugResult refused = online("256M");

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertTrue(refused.error().message().contains("block_size_bytes"), refused.error().message());
        files.put(MemoryTopology.BLOCK_SIZE, "8000000\n");
        nextOnlineSucceeds();
    }

    @Test
    void aBlockSizeFileFullOfControlCharactersAndMegabytesGivesAClearBoundedMessage() throws Exception {
        files.put(MemoryTopology.BLOCK_SIZE, "\u001b[2J\u0007" + "g".repeat(1 << 20));

        HotplugResult refused = online("256M");

        assertEquals(Outcome.REJECTED, refused.outcome());
        ClearErrors.requireClear(new IllegalStateException(refused.error().message()));
        files.put(MemoryTopology.BLOCK_SIZE, "8000000\n");
        nextOnlineSucceeds();
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999T", "18446744073709551615", "1E", "-1G", "0x0-0xffffffffffffffff",
        "\u0000", "2G\u001b[2J"})
    void anEnormousOrGarbageSizeIsRefusedAndTheNextRequestSucceeds(String size) throws Exception {
        HotplugResult refused;
        try {
            refused = online(size);
        } catch (IllegalArgumentException e) {
            // A control character never gets past the request builder.
            ClearErrors.requireClear(e);
            nextOnlineSucceeds();
            return;
        }

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertEquals(Errno.EINVAL, refused.error().errno(), refused.summary());
        ClearErrors.requireClear(new IllegalStateException(refused.error().message()));
        nextOnlineSucceeds();
    }

    @Test
    void anErrnoInjectedOnTheSimulatedMachineFailsTheRequestWithThatErrnoAndTheNextOneSucceeds() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        try (Sequencer simulated = chain(machine)) {
            String state = KernelPaths.memoryBlock(6, "state");
            String before = machine.readValue(state);
            Operation change = before.equals("online") ? Operation.OFFLINE : Operation.ONLINE;
            machine.injectErrno(state, Errno.EIO, true);

            HotplugResult failed = simulated.submit(HotplugRequest.of(change, DeviceRef.memory(6))).getValue();

            assertTrue(failed.outcome() == Outcome.REJECTED || failed.outcome() == Outcome.ROLLED_BACK, failed.summary());
            assertEquals(Errno.EIO, failed.error().errno(), failed.summary());
            assertEquals(before, machine.readValue(state));

            HotplugResult next = simulated.submit(HotplugRequest.of(change, DeviceRef.memory(6))).getValue();

            assertEquals(Outcome.SUCCEEDED, next.outcome(), next.summary());
        }
    }
}
