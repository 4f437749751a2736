package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.platform.testing.JournalDouble;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.spi.UndoLog;

/** The CPU handler's writes go through its undo log: planned and forced once, then written, and undone from the journal. */
class CpuUndoLogTest {

    /** The process dies here: nothing after it runs, nothing catches it. */
    static final class Crash extends Error {
        private static final long serialVersionUID = 1L;
    }

    private static String online(int cpu) {
        return KernelPaths.cpu(cpu, "online");
    }

    private static List<DeviceRef> cpus(int from, int to) {
        List<DeviceRef> out = new ArrayList<>();
        for (int cpu = from; cpu <= to; cpu++) {
            out.add(DeviceRef.cpu(cpu));
        }
        return out;
    }

    private static TestContext offline(List<DeviceRef> cpus, UndoLog undo) {
        return TestContext.execute(HotplugRequest.of(Operation.OFFLINE, cpus.toArray(DeviceRef[]::new)), cpus, undo);
    }

    @Test
    void aThousandCpuOfflinePlansEveryWriteAndForcesOnceBeforeTheFirst() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(1001, 8);
        JournalDouble journal = new JournalDouble();
        SystemFiles noting = new ForwardingFiles(machine) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                journal.note("write " + path + "=" + value);
                super.write(path, value);
            }
        };

        new CpuOnlineHandler(noting).handle(offline(cpus(1, 1000), UndoLog.recordingTo(journal)));

        assertEquals(1, journal.forces(), "one force for the whole plan");
        assertEquals(List.of("planned 0+1000", "force", "write " + online(1) + "=0", "written 0"),
                journal.events().subList(0, 4));
        assertEquals(1000, journal.events().stream().filter(e -> e.startsWith("write ")).count());
        assertEquals("0", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void rollbackFromTheLogRebuiltAfterACrashRestoresExactlyWhatWasWritten() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        machine.write(online(2), "0");
        JournalDouble journal = new JournalDouble();
        // The kernel takes CPU 3 down, then the process dies before the write is journaled: in doubt.
        WriteFaults dying = new WriteFaults(machine).afterWrite(online(3), () -> {
            throw new Crash();
        });
        assertThrows(Crash.class, () -> new CpuOnlineHandler(dying).handle(offline(cpus(1, 3),
                UndoLog.recordingTo(journal))));
        assertEquals(List.of(UndoLog.State.WRITTEN, UndoLog.State.PLANNED),
                journal.entries().stream().map(UndoLog.Entry::state).toList(), "CPU 2 was offline already: no entry");

        WriteFaults restarted = new WriteFaults(machine);
        new CpuOnlineHandler(restarted).rollback(offline(cpus(1, 3), journal.readBack()));

        assertEquals(List.of(online(3) + "=1", online(1) + "=1"), restarted.writes, "last first, each once");
        assertEquals("1", machine.readValue(online(1)));
        assertEquals("0", machine.readValue(online(2)), "CPU 2 stays as it was before the request");
        assertEquals("1", machine.readValue(online(3)));
    }

    @Test
    void aPlannedCpuTheCrashCameBeforeIsLeftAsItWas() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        JournalDouble journal = new JournalDouble();
        SystemFiles dyingBeforeCpu3 = new ForwardingFiles(machine) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                if (path.equals(online(3))) {
                    throw new Crash();
                }
                super.write(path, value);
            }
        };
        assertThrows(Crash.class, () -> new CpuOnlineHandler(dyingBeforeCpu3).handle(offline(cpus(1, 3),
                UndoLog.recordingTo(journal))));

        new CpuOnlineHandler(machine).rollback(offline(cpus(1, 3), journal.readBack()));

        for (int cpu = 1; cpu <= 3; cpu++) {
            assertEquals("1", machine.readValue(online(cpu)), "CPU " + cpu + " online as before the request");
        }
    }

    @Test
    void aFailureHalfWayRecordsTheStepsOwnUndoSoARestartDoesNotRepeatIt() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        JournalDouble journal = new JournalDouble();
        WriteFaults refusing = new WriteFaults(machine).failWrites(online(3), org.syshotplug.api.Errno.EBUSY);

        assertThrows(org.syshotplug.spi.HotplugException.class, () -> new CpuOnlineHandler(refusing)
                .handle(offline(cpus(1, 3), UndoLog.recordingTo(journal))));

        assertTrue(journal.entries().stream().allMatch(e -> e.state() == UndoLog.State.RESTORED),
                journal.entries().toString());
        assertTrue(journal.readBack().isEmpty());
        assertFalse("0".equals(machine.readValue(online(1))));
    }
}
