package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Progress;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.RecordingHandler;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;

/** The memory handlers in the real sequencer on the simulated x86 machine with 8 blocks of 128M. */
class MemoryHandlersOnSimulatedMachineTest {

    private SimulatedMachine machine;
    private Sequencer sequencer;

    @BeforeEach
    void eightBlockMachine() {
        machine = SimulatedMachine.x86Acpi(2, 8);
        sequencer = Chains.memoryChain(machine, Config.defaults());
    }

    @AfterEach
    void close() {
        sequencer.close();
    }

    private String state(int block) throws Exception {
        return machine.readValue(KernelPaths.memoryBlock(block, "state"));
    }

    private String zones(int block) throws Exception {
        return machine.readValue(KernelPaths.memoryBlock(block, "valid_zones"));
    }

    private void offlineDirectly(int... blocks) throws Exception {
        for (int b : blocks) {
            machine.write(KernelPaths.memoryBlock(b, "state"), "offline");
        }
    }

    private static HotplugRequest request(Operation operation, int... blocks) {
        HotplugRequest.Builder b = HotplugRequest.builder(operation);
        for (int block : blocks) {
            b.target(DeviceRef.memory(block));
        }
        return b.build();
    }

    private static HotplugRequest wildcard(Operation operation, String key, String value) {
        return HotplugRequest.builder(operation).target(DeviceRef.any(DeviceRef.MEMORY)).parameter(key, value).build();
    }

    @Test
    void offlineOfBlocksSucceedsAndReportsProgressPerBlock() throws Exception {
        List<Progress> progress = Chains.progressList();

        HotplugResult result = Chains.run(sequencer, request(Operation.OFFLINE, 6, 7), progress);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals("offline", state(6));
        assertEquals("offline", state(7));
        assertEquals(List.of("memory:6 1/2", "memory:7 2/2"),
                progress.stream().map(p -> p.device() + " " + p.done() + "/" + p.total()).toList());
    }

    @Test
    void onlineWithoutZoneUsesTheConfiguredDefaultZone() throws Exception {
        offlineDirectly(5);
        try (Sequencer movableByDefault = Chains.memoryChain(machine, new Config(true, "online_movable"))) {
            HotplugResult result = Chains.run(movableByDefault, request(Operation.ONLINE, 5));

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals("online", state(5));
            assertEquals("Movable", zones(5));
        }
    }

    @Test
    void zoneParameterOverridesTheConfiguredDefault() throws Exception {
        offlineDirectly(5);

        HotplugResult result = Chains.run(sequencer, request(Operation.ONLINE, 5).toBuilder()
                .parameter("zone", "online_movable").build());

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals("Movable", zones(5));
    }

    @Test
    void unknownZoneIsRejectedNamingTheToken() throws Exception {
        offlineDirectly(5);

        HotplugResult result = Chains.run(sequencer, request(Operation.ONLINE, 5).toBuilder()
                .parameter("zone", "online_dma").build());

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertTrue(result.error().message().contains("'online_dma'"), result.error().message());
        assertEquals("offline", state(5));
    }

    @Test
    void unknownBlockIsRejectedWithEnodev() throws Exception {
        HotplugResult result = Chains.run(sequencer, request(Operation.OFFLINE, 7, 42));

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals(Errno.ENODEV, result.error().errno());
        assertEquals(DeviceRef.memory(42), result.error().device());
        assertEquals("online", state(7));
    }

    @Test
    void ebusyHalfWayPutsBackTheBlocksThisStepAlreadyOfflined() throws Exception {
        machine.setUnmovable(7, true);
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.memoryChain(files, Config.defaults())) {
            HotplugResult result = Chains.run(chain, request(Operation.OFFLINE, 5, 6, 7));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(Errno.EBUSY, result.error().errno());
            assertEquals(DeviceRef.memory(7), result.error().device());
            assertTrue(result.error().message().startsWith("memory7 (zone " + zones(7) + ") refused to go offline: EBUSY"),
                    result.error().message());
            assertEquals(List.of("online", "online", "online"), List.of(state(5), state(6), state(7)));
            assertEquals(List.of(stateWrite(5, "offline"), stateWrite(6, "offline"), stateWrite(6, "online_kernel"),
                    stateWrite(5, "online_kernel")), files.writes, "blocks put back in reverse by the failing handler");
        }
    }

    @Test
    void rollbackRestoresExactlyTheBlocksThisRequestChangedInReverse() throws Exception {
        offlineDirectly(3);
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.memoryChain(files, Config.defaults())) {
            // Tear-down runs the chain in descending priority: a firmware handler runs after memory.
            Chains.addExecute(chain, new RecordingHandler(HotplugException.failure(null, Errno.EIO,
                    "firmware refuses", null)), "test.firmware.failing", HandlerProperties.FIRMWARE_RESOURCES);

            HotplugResult result = Chains.run(chain, request(Operation.OFFLINE, 2, 3, 4));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(List.of("online", "offline", "online"), List.of(state(2), state(3), state(4)));
            assertEquals(List.of(stateWrite(2, "offline"), stateWrite(4, "offline"), stateWrite(4, "online_kernel"),
                    stateWrite(2, "online_kernel")), files.writes);
        }
    }

    private static String stateWrite(int block, String value) {
        return KernelPaths.memoryBlock(block, "state") + "=" + value;
    }

    @Test
    void plainOfflineOfAKernelZoneBlockIsNotVetoed() throws Exception {
        HotplugResult result = Chains.run(sequencer, request(Operation.OFFLINE, 4));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
    }

    @Test
    void removeOfANonMovableBlockIsAnOverridableVeto() throws Exception {
        String zone = zones(4);
        HotplugResult refused = Chains.run(sequencer, request(Operation.REMOVE, 4));
        HotplugResult forced = Chains.run(sequencer, request(Operation.REMOVE, 4).toBuilder().force(true).build());

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertTrue(refused.error().overridable());
        assertTrue(refused.error().message().contains("removeMovableOnly"), refused.error().message());
        assertTrue(refused.error().message().startsWith("memory4 (zone " + zone + ") is online outside ZONE_MOVABLE"),
                refused.error().message());
        assertEquals(Outcome.SUCCEEDED, forced.outcome(), forced.summary());
        assertEquals("offline", state(4));
    }

    @Test
    void removeOfAMovableBlockPasses() throws Exception {
        offlineDirectly(6);
        machine.write(KernelPaths.memoryBlock(6, "state"), "online_movable");

        HotplugResult result = Chains.run(sequencer, request(Operation.REMOVE, 6));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
    }

    @Test
    void removeOfNonMovableBlockPassesWhenTheConfigurationAllowsIt() throws Exception {
        try (Sequencer lenient = Chains.memoryChain(machine, new Config(false, "online"))) {
            assertEquals(Outcome.SUCCEEDED, Chains.run(lenient, request(Operation.REMOVE, 4)).outcome());
        }
    }

    @Test
    void enableBySizePicksOfflineBlocksFromTheLowestUp() throws Exception {
        offlineDirectly(2, 3, 5, 6);

        HotplugResult result = Chains.run(sequencer, wildcard(Operation.ONLINE, "size", "256M"));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(DeviceRef.memory(2), DeviceRef.memory(3)), result.devices());
        assertEquals(List.of("online", "online", "offline", "offline"), List.of(state(2), state(3), state(5), state(6)));
    }

    @Test
    void disableBySizePicksOnlineBlocksFromTheHighestDown() throws Exception {
        HotplugResult result = Chains.run(sequencer, wildcard(Operation.OFFLINE, "size", "256M"));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(DeviceRef.memory(7), DeviceRef.memory(6)), result.devices());
    }

    @Test
    void removeBySizeChoosesOnlyMovableBlocksUnderTheMovableOnlyRule() throws Exception {
        offlineDirectly(2, 3);
        machine.write(KernelPaths.memoryBlock(2, "state"), "online_movable");
        machine.write(KernelPaths.memoryBlock(3, "state"), "online_movable");

        HotplugResult result = Chains.run(sequencer, wildcard(Operation.REMOVE, "size", "256M"));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(DeviceRef.memory(3), DeviceRef.memory(2)), result.devices());
    }

    @Test
    void rangeSelectsTheBlocksInsideIt() throws Exception {
        HotplugResult result = Chains.run(sequencer, wildcard(Operation.OFFLINE, "range", "0x20000000-0x2fffffff"));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(DeviceRef.memory(4), DeviceRef.memory(5)), result.devices());
    }

    @Test
    void sizeBeyondWhatIsOfflineIsRejected() throws Exception {
        offlineDirectly(2);

        HotplugResult result = Chains.run(sequencer, wildcard(Operation.ONLINE, "size", "1G"));

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals("offline", state(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1G", "1Q", "100M", "2G;rm"})
    void hostileSizesAreRejectedNamingTheToken(String size) throws Exception {
        HotplugResult result = Chains.run(sequencer, wildcard(Operation.OFFLINE, "size", size));

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals(Errno.EINVAL, result.error().errno());
        assertTrue(result.error().message().contains("'" + size + "'"), result.error().message());
    }

    @Test
    void wildcardWithoutSizeOrRangeIsRejected() throws Exception {
        HotplugResult result = Chains.run(sequencer, HotplugRequest.of(Operation.OFFLINE, DeviceRef.any(DeviceRef.MEMORY)));

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertTrue(result.error().message().contains("size") && result.error().message().contains("range"));
    }

    @Test
    void hostileBlockIdsNeverReachARequest() {
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("memory:../../x"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("memory:-1"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("memory:1;rm"));
    }

    /** What a hot-added DIMM's blocks look like until something onlines them (memhp_default_state=offline). */
    private List<String> stateWrites(WriteFaults files) {
        return files.writes.stream().filter(w -> w.contains("/state=")).toList();
    }

    @Test
    void hotAddOnlinesTheNewBlocksMovableByDefaultAndSaysSo() throws Exception {
        offlineDirectly(6, 7);
        List<Progress> progress = Chains.progressList();

        HotplugResult result = Chains.run(sequencer, request(Operation.ADD, 6, 7), progress);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of("Movable", "Movable"), List.of(zones(6), zones(7)));
        assertTrue(progress.stream().anyMatch(p -> p.message().equals("memory6-7 onlined to Movable so the DIMM stays removable")),
                progress.toString());
    }

    @Test
    void hotAddedMovableBlocksCanBeRemovedAgain() throws Exception {
        offlineDirectly(6, 7);
        assertEquals(Outcome.SUCCEEDED, Chains.run(sequencer, request(Operation.ADD, 6, 7)).outcome());

        HotplugResult remove = Chains.run(sequencer, request(Operation.REMOVE, 6, 7));

        assertEquals(Outcome.SUCCEEDED, remove.outcome(), remove.summary());
    }

    @Test
    void hotAddZoneKernelOnlinesForKernelUseAndWarns() throws Exception {
        offlineDirectly(6);
        List<Progress> progress = Chains.progressList();
        try (Sequencer kernel = Chains.memoryChain(machine, Config.defaults(), "kernel")) {
            HotplugResult result = Chains.run(kernel, request(Operation.ADD, 6), progress);

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertTrue(!zones(6).equals("Movable"), zones(6));
            assertTrue(progress.stream().anyMatch(p -> p.message().contains("may not be removable")), progress.toString());
        }
    }

    @Test
    void hotAddZoneDefaultDoesWhatAnOnlineRequestDoes() throws Exception {
        offlineDirectly(6);
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer asBefore = Chains.memoryChain(files, Config.defaults(), "default")) {
            HotplugResult result = Chains.run(asBefore, request(Operation.ADD, 6));

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals(List.of(stateWrite(6, "online")), stateWrites(files));
        }
    }

    @Test
    void plainOnlineKeepsTheConfiguredZoneNotTheHotAddOne() throws Exception {
        offlineDirectly(6);
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.memoryChain(files, Config.defaults(), "movable")) {
            HotplugResult result = Chains.run(chain, request(Operation.ONLINE, 6));

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals(List.of(stateWrite(6, "online")), stateWrites(files));
        }
    }

    @Test
    void zoneParameterOverridesTheHotAddPolicy() throws Exception {
        offlineDirectly(6);
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.memoryChain(files, Config.defaults(), "movable")) {
            HotplugResult result = Chains.run(chain, request(Operation.ADD, 6).toBuilder().parameter("zone", "online_kernel").build());

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals(List.of(stateWrite(6, "online_kernel")), stateWrites(files));
        }
    }

    @Test
    void hotAddedBlockThatCannotBeMovableIsOnlinedPlainlyWithAWarning() throws Exception {
        offlineDirectly(6, 7);
        String zones7 = KernelPaths.memoryBlock(7, "valid_zones");
        // A block in the middle of kernel memory: the kernel offers no Movable for it.
        WriteFaults files = new WriteFaults(new org.syshotplug.platform.testing.ForwardingFiles(machine) {
            @Override
            public String read(String path) throws org.syshotplug.platform.SystemFileException {
                String value = super.read(path);
                return path.equals(zones7) && value.contains("Movable") && value.contains(" ") ? "Normal\n" : value;
            }
        });
        List<Progress> progress = Chains.progressList();
        try (Sequencer chain = Chains.memoryChain(files, Config.defaults(), "movable")) {
            HotplugResult result = Chains.run(chain, request(Operation.ADD, 6, 7), progress);

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals(List.of(stateWrite(6, "online_movable"), stateWrite(7, "online")), stateWrites(files));
            String note = progress.get(progress.size() - 1).message();
            assertTrue(note.startsWith("memory6 onlined to Movable so the DIMM stays removable; memory7 onlined with plain online"),
                    note);
        }
    }

    @Test
    void hotAddOfBlocksTheKernelAlreadyOnlinedIntoAKernelZoneWarns() throws Exception {
        List<Progress> progress = Chains.progressList();
        String zone = zones(4);

        HotplugResult result = Chains.run(sequencer, request(Operation.ADD, 4), progress);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        String note = progress.get(progress.size() - 1).message();
        assertTrue(note.startsWith("memory4 already online in zone " + zone + ", where the kernel put it on arrival"), note);
    }
}
