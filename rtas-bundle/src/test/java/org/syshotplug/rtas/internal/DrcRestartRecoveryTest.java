package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.MachineStateFile;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.platform.testing.JournalDouble;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.ProcDeviceTree;
import org.syshotplug.spi.UndoLog;

/**
 * What the kill test does on the pseries profile, in one JVM: the simulated partition keeps its
 * state in a file after every write that returned; the process dies inside the acquire step; a new
 * machine is built from the file and the step is rolled back with the undo log rebuilt from the
 * journal. LPAR: 2 of 8 cores, 24 LMB DRCs, the first two assigned.
 */
class DrcRestartRecoveryTest {

    private static final SimConfig LPAR = PseriesProfile.lpar(2, 8, 8, 24, 2);
    private static final DeviceRef CORE_2 = DeviceRef.of(DeviceRef.DRC, "0x10000002");
    private static final DeviceRef LMB_A = DeviceRef.of(DeviceRef.DRC, "0x8000000a");
    private static final DeviceRef LMB_B = DeviceRef.of(DeviceRef.DRC, "0x8000000b");

    @TempDir
    Path dir;

    /** The process dies here: nothing after it runs, nothing catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    /** The simulated platform with a state file: each write that returned is on disk. */
    private static class Kept extends ForwardingFiles {
        private final SimulatedMachine simulated;
        private final MachineStateFile file;

        Kept(SimulatedMachine machine, MachineStateFile file) {
            super(machine);
            this.simulated = machine;
            this.file = file;
        }

        @Override
        public void write(String path, String value) throws SystemFileException {
            super.write(path, value);
            try {
                file.save(simulated);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private MachineStateFile file() {
        return new MachineStateFile(dir.resolve("machine.state"));
    }

    /** The machine as the restarted runtime builds it: same configuration, then the file. */
    private SimulatedMachine restart() throws Exception {
        SimulatedMachine m = SimulatedMachine.create(LPAR);
        assertTrue(file().load(m));
        return m;
    }

    private static TestContext add(UndoLog undo, DeviceRef... drcs) {
        return TestContext.execute(HotplugRequest.of(Operation.ADD, drcs), List.of(drcs), undo);
    }

    private static boolean assigned(SystemFiles m, long index) {
        return DynamicMemory.read(new ProcDeviceTree(m)).orElseThrow().byDrcIndex(index).orElseThrow().assigned();
    }

    private static boolean core2Configured(SystemFiles m) {
        return new ProcDeviceTree(m).hasNode("/cpus/PowerPC,POWER9@2");
    }

    @Test
    void drcsAcquiredBeforeAKillAreReleasedOnTheMachineRebuiltFromItsStateFile() throws Exception {
        SimulatedMachine first = SimulatedMachine.create(LPAR);
        file().save(first);
        JournalDouble journal = new JournalDouble();
        AtomicInteger acquires = new AtomicInteger();
        SystemFiles dying = new WriteFaults(new Kept(first, file())).afterWrite(KernelPaths.DLPAR, () -> {
            if (acquires.incrementAndGet() == 3) {
                throw new Crash();
            }
        });
        assertThrows(Crash.class, () -> new DrcAcquireHandler(dying).handle(add(UndoLog.recordingTo(journal),
                CORE_2, LMB_A, LMB_B)));

        SimulatedMachine second = restart();
        assertTrue(core2Configured(second) && assigned(second, 0x8000000aL) && assigned(second, 0x8000000bL),
                "the restarted partition has the three DRCs the kernel took");
        WriteFaults recovery = new WriteFaults(new Kept(second, file()));
        new DrcAcquireHandler(recovery).rollback(add(journal.readBack(), CORE_2, LMB_A, LMB_B));

        assertEquals(List.of(KernelPaths.DLPAR + "=memory remove index 0x8000000b",
                KernelPaths.DLPAR + "=memory remove index 0x8000000a", KernelPaths.DLPAR + "=cpu remove index 0x10000002"),
                recovery.writes);
        SimulatedMachine third = restart();
        assertFalse(core2Configured(third));
        assertFalse(assigned(third, 0x8000000aL) || assigned(third, 0x8000000bL));
        assertFalse(third.exists(KernelPaths.memoryBlock(10)));
        assertEquals("0-1", third.readValue(KernelPaths.CPU_ROOT + "/present"));
        assertEquals(MachineStateFile.snapshot(SimulatedMachine.create(LPAR)), MachineStateFile.snapshot(third),
                "the partition is as it booted");
    }

    @Test
    void anAcquireTheKillCutOffBeforeTheStateFileIsSkippedAndTheOthersReleased() throws Exception {
        SimulatedMachine first = SimulatedMachine.create(LPAR);
        file().save(first);
        JournalDouble journal = new JournalDouble();
        // The second acquire reaches the in-memory kernel but the process dies before the file has it:
        // the restarted partition never took LMB B, as if the kill came just before the write.
        SystemFiles dyingBeforeSave = new Kept(first, file()) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                if (value.endsWith("0x8000000b")) {
                    first.write(path, value);
                    throw new Crash();
                }
                super.write(path, value);
            }
        };
        assertThrows(Crash.class, () -> new DrcAcquireHandler(dyingBeforeSave).handle(add(UndoLog.recordingTo(journal),
                LMB_A, LMB_B)));

        SimulatedMachine second = restart();
        assertTrue(assigned(second, 0x8000000aL));
        assertFalse(assigned(second, 0x8000000bL));
        WriteFaults recovery = new WriteFaults(new Kept(second, file()));
        new DrcAcquireHandler(recovery).rollback(add(journal.readBack(), LMB_A, LMB_B));

        assertEquals(List.of(KernelPaths.DLPAR + "=memory remove index 0x8000000a"), recovery.writes);
        assertEquals(MachineStateFile.snapshot(SimulatedMachine.create(LPAR)), MachineStateFile.snapshot(restart()));
    }

    @Test
    void aReleaseRerunAfterAKillInCommitSkipsTheDrcsReleasedBeforeIt() throws Exception {
        SimulatedMachine machine = SimulatedMachine.create(LPAR);
        new DrcAcquireHandler(machine).handle(add(UndoLog.recordingTo(new JournalDouble()), CORE_2, LMB_A, LMB_B));
        HotplugRequest remove = HotplugRequest.of(Operation.REMOVE, CORE_2, LMB_A, LMB_B);
        List<DeviceRef> drcs = List.of(CORE_2, LMB_A, LMB_B);
        // The first commit got as far as LMB A when the process died.
        AtomicInteger releases = new AtomicInteger();
        SystemFiles dying = new WriteFaults(machine).afterWrite(KernelPaths.DLPAR, () -> {
            if (releases.incrementAndGet() == 2) {
                throw new Crash();
            }
        });
        assertThrows(Crash.class, () -> new DrcReleaseHandler(dying).handle(new TestContext(remove, Phase.COMMIT, drcs)));
        assertFalse(core2Configured(machine) || assigned(machine, 0x8000000aL));
        assertTrue(assigned(machine, 0x8000000bL));

        WriteFaults rerun = new WriteFaults(machine);
        new DrcReleaseHandler(rerun).handle(new TestContext(remove, Phase.COMMIT, drcs));

        assertEquals(List.of(KernelPaths.DLPAR + "=memory remove index 0x8000000b"), rerun.writes,
                "only the DRC still assigned is released; the kernel would refuse the others");
        assertFalse(assigned(machine, 0x8000000bL));
        WriteFaults again = new WriteFaults(machine);
        new DrcReleaseHandler(again).handle(new TestContext(remove, Phase.COMMIT, drcs));
        assertEquals(List.of(), again.writes, "a third run finds everything released");
    }
}
