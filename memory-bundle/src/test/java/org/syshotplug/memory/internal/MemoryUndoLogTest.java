package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.JournalDouble;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.spi.UndoLog;
import org.syshotplug.spi.UndoLog.Entry;
import org.syshotplug.spi.UndoLog.State;

/** The memory handler's writes go through its undo log, and a rollback from the journal puts blocks back into their zone. */
class MemoryUndoLogTest {

    /** The process dies here: nothing after it runs, nothing catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    private SimulatedMachine machine;

    @BeforeEach
    void eightBlocks() throws Exception {
        machine = SimulatedMachine.x86Acpi(2, 8);
        // Block 6 movable, block 7 normal (put back with online_kernel, as OnlineZone.restoring says): the rollback must bring each back where it was.
        machine.write(state(6), "offline");
        machine.write(state(6), "online_movable");
    }

    private static String state(int block) {
        return KernelPaths.memoryBlock(block, "state");
    }

    private String zones(int block) throws Exception {
        return machine.readValue(KernelPaths.memoryBlock(block, "valid_zones"));
    }

    private static TestContext offline(UndoLog undo, int... blocks) {
        DeviceRef[] refs = java.util.Arrays.stream(blocks).mapToObj(DeviceRef::memory).toArray(DeviceRef[]::new);
        return TestContext.execute(HotplugRequest.of(Operation.OFFLINE, refs), List.of(refs), undo);
    }

    @Test
    void executePlansEveryBlockWithTheWordThatPutsItBackIntoItsZone() throws Exception {
        JournalDouble journal = new JournalDouble();

        MemoryHandlers.online(machine, true, "online").handle(offline(UndoLog.recordingTo(journal), 6, 7));

        assertEquals(List.of(new Entry(state(6), "offline", "online_movable", State.WRITTEN),
                new Entry(state(7), "offline", "online_kernel", State.WRITTEN)), journal.entries());
        assertEquals(List.of("planned 0+2", "force"), journal.events().subList(0, 2));
    }

    @Test
    void rollbackFromTheLogRebuiltAfterACrashRestoresEachBlockIntoItsZone() throws Exception {
        String zone6 = zones(6);
        String zone7 = zones(7);
        JournalDouble journal = new JournalDouble();
        // The kernel offlines block 7, then the process dies before the write is journaled: in doubt.
        WriteFaults dying = new WriteFaults(machine).afterWrite(state(7), () -> {
            throw new Crash();
        });
        assertThrows(Crash.class, () -> MemoryHandlers.online(dying, true, "online")
                .handle(offline(UndoLog.recordingTo(journal), 5, 6, 7)));

        WriteFaults restarted = new WriteFaults(machine);
        MemoryHandlers.online(restarted, true, "online").rollback(offline(journal.readBack(), 5, 6, 7));

        assertEquals(List.of(state(7) + "=online_kernel", state(6) + "=online_movable", state(5) + "=online_kernel"),
                restarted.writes);
        assertEquals(zone6, zones(6));
        assertEquals(zone7, zones(7));
        assertEquals("online", machine.readValue(state(5)));
    }

    @Test
    void aBlockAlreadyBackIsSkippedNotAFailure() throws Exception {
        // Planned but never reached (in doubt), and written but put back by an operator since.
        UndoLog rebuilt = UndoLog.rebuilt(List.of(new Entry(state(5), "offline", "online", State.WRITTEN),
                new Entry(state(4), "offline", "online", State.PLANNED)), new JournalDouble());
        WriteFaults files = new WriteFaults(machine);

        MemoryHandlers.online(files, true, "online").rollback(offline(rebuilt, 5, 4));

        assertEquals(List.of(), files.writes);
        assertEquals(true, rebuilt.isEmpty());
    }
}
