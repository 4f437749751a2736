package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.platform.testing.JournalDouble;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.ProcDeviceTree;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.UndoLog;
import org.syshotplug.spi.UndoLog.Entry;
import org.syshotplug.spi.UndoLog.State;

/**
 * DRC acquisition goes through the step's undo log, so DRCs acquired before a crash are released by
 * the rollback recovery runs from the journal. LPAR: 2 of 8 cores, 24 LMB DRCs, the first two assigned.
 */
class DrcUndoLogTest {

    private static final DeviceRef CORE_2 = DeviceRef.of(DeviceRef.DRC, "0x10000002");
    private static final DeviceRef LMB_A = DeviceRef.of(DeviceRef.DRC, "0x8000000a");
    private static final DeviceRef LMB_B = DeviceRef.of(DeviceRef.DRC, "0x8000000b");

    /** The process dies here: nothing after it runs, nothing catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    private SimulatedMachine machine;

    @BeforeEach
    void lpar() {
        machine = SimulatedMachine.create(PseriesProfile.lpar(2, 8, 8, 24, 2));
    }

    private static TestContext add(UndoLog undo, DeviceRef... drcs) {
        return TestContext.execute(HotplugRequest.of(Operation.ADD, drcs), List.of(drcs), undo);
    }

    private boolean assigned(long index) {
        return DynamicMemory.read(new ProcDeviceTree(machine)).orElseThrow().byDrcIndex(index).orElseThrow().assigned();
    }

    private boolean coreConfigured() {
        return new ProcDeviceTree(machine).hasNode("/cpus/PowerPC,POWER9@2");
    }

    @Test
    void everyAcquireIsPlannedWithItsRemoveAndForcedOnceBeforeTheFirst() throws Exception {
        JournalDouble journal = new JournalDouble();

        new DrcAcquireHandler(machine).handle(add(UndoLog.recordingTo(journal), CORE_2, LMB_A));

        assertEquals(List.of(new Entry(KernelPaths.DLPAR, "cpu add index 0x10000002", "cpu remove index 0x10000002",
                State.WRITTEN), new Entry(KernelPaths.DLPAR, "memory add index 0x8000000a",
                "memory remove index 0x8000000a", State.WRITTEN)), journal.entries());
        assertEquals(List.of("planned 0+2", "force", "written 0", "written 1"), journal.events());
        assertTrue(coreConfigured());
        assertTrue(assigned(0x8000000aL));
    }

    @Test
    void drcsAcquiredBeforeACrashAreReleasedByARollbackWithTheRebuiltLog() throws Exception {
        JournalDouble journal = new JournalDouble();
        AtomicInteger acquires = new AtomicInteger();
        // The kernel takes the third DRC, then the process dies before the write is journaled: in doubt.
        WriteFaults dying = new WriteFaults(machine).afterWrite(KernelPaths.DLPAR, () -> {
            if (acquires.incrementAndGet() == 3) {
                throw new Crash();
            }
        });
        assertThrows(Crash.class, () -> new DrcAcquireHandler(dying).handle(add(UndoLog.recordingTo(journal),
                CORE_2, LMB_A, LMB_B)));
        assertTrue(coreConfigured() && assigned(0x8000000aL) && assigned(0x8000000bL), "all three acquired");

        WriteFaults restarted = new WriteFaults(machine);
        new DrcAcquireHandler(restarted).rollback(add(journal.readBack(), CORE_2, LMB_A, LMB_B));

        assertEquals(List.of(KernelPaths.DLPAR + "=memory remove index 0x8000000b",
                KernelPaths.DLPAR + "=memory remove index 0x8000000a", KernelPaths.DLPAR + "=cpu remove index 0x10000002"),
                restarted.writes, "last first");
        assertFalse(coreConfigured());
        assertFalse(assigned(0x8000000aL));
        assertFalse(assigned(0x8000000bL));
        assertFalse(machine.exists(KernelPaths.memoryBlock(10)));
        assertEquals("0-1", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void aDrcTheCrashCameBeforeIsNeitherReleasedNorAFailure() throws Exception {
        JournalDouble journal = new JournalDouble();
        SystemFiles dyingBeforeLmbB = new ForwardingFiles(machine) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                if (value.endsWith("0x8000000b")) {
                    throw new Crash();
                }
                super.write(path, value);
            }
        };
        assertThrows(Crash.class, () -> new DrcAcquireHandler(dyingBeforeLmbB).handle(add(UndoLog.recordingTo(journal),
                LMB_A, LMB_B)));

        WriteFaults restarted = new WriteFaults(machine);
        new DrcAcquireHandler(restarted).rollback(add(journal.readBack(), LMB_A, LMB_B));

        assertEquals(List.of(KernelPaths.DLPAR + "=memory remove index 0x8000000a"), restarted.writes);
        assertFalse(assigned(0x8000000aL));
        assertFalse(assigned(0x8000000bL));
    }

    @Test
    void aRefusedAcquireReleasesTheDrcsThisStepTookAndNamesTheCommand() throws Exception {
        JournalDouble journal = new JournalDouble();
        AtomicInteger acquires = new AtomicInteger();
        SystemFiles refusingSecond = new ForwardingFiles(machine) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                if (value.startsWith("memory add") && acquires.incrementAndGet() == 2) {
                    throw new SystemFileException(Errno.EIO, path, value);
                }
                super.write(path, value);
            }
        };

        HotplugException failure = assertThrows(HotplugException.class, () -> new DrcAcquireHandler(refusingSecond)
                .handle(add(UndoLog.recordingTo(journal), LMB_A, LMB_B)));

        assertEquals(Errno.EIO, failure.errno());
        assertTrue(failure.getMessage().contains("'memory add index 0x8000000b'"), failure.getMessage());
        assertFalse(assigned(0x8000000aL), "released again by the failing step itself");
        assertTrue(journal.readBack().isEmpty(), "the journal knows nothing is left to undo");
    }
}
