package org.syshotplug.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.UndoLog.Entry;
import org.syshotplug.spi.UndoLog.State;

class UndoLogTest {

    private static final String CPU1 = "/sys/devices/system/cpu/cpu1/online";
    private static final String CPU2 = "/sys/devices/system/cpu/cpu2/online";
    private static final String CPU3 = "/sys/devices/system/cpu/cpu3/online";
    private static final String DLPAR = "/sys/kernel/dlpar";

    /** Files as a map; every write is logged as {@code path=value}; a refused path answers its errno. */
    static final class Files implements SystemFiles {
        final Map<String, String> values = new HashMap<>();
        final Map<String, Errno> refuse = new HashMap<>();
        final List<String> writes = new ArrayList<>();
        final List<String> events;

        Files(List<String> events) {
            this.events = events;
        }

        @Override
        public String read(String path) throws SystemFileException {
            String v = values.get(path);
            if (v == null) {
                throw new SystemFileException(Errno.ENOENT, path, null);
            }
            return v + "\n";
        }

        @Override
        public byte[] readBytes(String path) throws SystemFileException {
            return read(path).getBytes();
        }

        @Override
        public void write(String path, String value) throws SystemFileException {
            Errno errno = refuse.get(path);
            if (errno != null) {
                throw new SystemFileException(errno, path, value);
            }
            writes.add(path + "=" + value);
            events.add("write " + path + "=" + value);
            values.put(path, value);
        }

        @Override
        public List<String> list(String directory) {
            return List.of();
        }

        @Override
        public boolean exists(String path) {
            return values.containsKey(path);
        }

        @Override
        public boolean isDirectory(String path) {
            return false;
        }

        @Override
        public String readLink(String path) throws SystemFileException {
            throw new SystemFileException(Errno.EINVAL, path, null);
        }

        @Override
        public String describe() {
            return "map";
        }
    }

    /** A journal double: what the log told it, in order, sharing one event list with the files. */
    static class Journal implements UndoLog.Recorder {
        final List<String> events;
        final List<Entry> entries = new ArrayList<>();
        int forces;

        Journal(List<String> events) {
            this.events = events;
        }

        @Override
        public void planned(int first, List<Entry> planned) {
            assertEquals(entries.size(), first, "positions follow on");
            entries.addAll(planned);
            events.add("planned " + first + "+" + planned.size());
        }

        @Override
        public void makeDurable() {
            forces++;
            events.add("force");
        }

        @Override
        public void written(int position) {
            entries.set(position, entries.get(position).in(State.WRITTEN));
            events.add("written " + position);
        }

        @Override
        public void restored(int position) {
            if (position < entries.size()) {
                entries.set(position, entries.get(position).in(State.RESTORED));
            }
            events.add("restored " + position);
        }
    }

    private final List<String> events = new ArrayList<>();
    private final Files files = new Files(events);
    private final Journal journal = new Journal(events);

    @Test
    void plansAreMadeDurableOnceBeforeTheFirstWriteAndEachWriteIsRecordedAfterTheKernelTookIt() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(CPU1, "0", "1");
        log.plan(CPU2, "0", "1");

        log.write(files, CPU1, "0", "1");
        log.write(files, CPU2, "0", "1");

        assertEquals(List.of("planned 0+2", "force", "write " + CPU1 + "=0", "written 0", "write " + CPU2 + "=0",
                "written 1"), events);
        assertEquals(List.of(State.WRITTEN, State.WRITTEN), log.entries().stream().map(Entry::state).toList());
    }

    @Test
    void aThousandPlannedWritesCostOneForce() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        for (int cpu = 1; cpu <= 1000; cpu++) {
            log.plan("/sys/devices/system/cpu/cpu" + cpu + "/online", "0", "1");
        }
        for (int cpu = 1; cpu <= 1000; cpu++) {
            log.write(files, "/sys/devices/system/cpu/cpu" + cpu + "/online", "0", "1");
        }

        assertEquals(1, journal.forces);
        assertEquals("force", events.get(1), "the force comes before the first kernel write");
        assertEquals(1000, log.written().size());
    }

    @Test
    void anUnplannedWriteIsPlannedAndForcedOnItsOwn() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);

        log.write(files, CPU1, "0", "1");
        log.write(files, CPU2, "0", "1");

        assertEquals(2, journal.forces);
        assertEquals(List.of("planned 0+1", "force", "write " + CPU1 + "=0", "written 0", "planned 1+1", "force",
                "write " + CPU2 + "=0", "written 1"), events);
    }

    @Test
    void restorePutsBackWrittenEntriesLastFirstAndLeavesUnwrittenPlansAlone() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(CPU1, "0", "1");
        log.plan(CPU2, "0", "1");
        log.plan(CPU3, "0", "1");
        log.write(files, CPU1, "0", "1");
        log.write(files, CPU2, "0", "1");
        files.writes.clear();

        log.restore(files);

        assertEquals(List.of(CPU2 + "=1", CPU1 + "=1"), files.writes, "CPU 3 was never written");
        assertTrue(log.isEmpty());
        assertEquals(List.of(State.RESTORED, State.RESTORED, State.RESTORED), journal.entries.stream()
                .map(Entry::state).toList(), "the journal learns that nothing is left to undo");
    }

    @Test
    void aRefusedWriteStaysPlannedAndIsNotUndone() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(CPU1, "0", "1");
        log.plan(CPU2, "0", "1");
        files.refuse.put(CPU2, Errno.EBUSY);
        log.write(files, CPU1, "0", "1");

        SystemFileException refused = assertThrows(SystemFileException.class, () -> log.write(files, CPU2, "0", "1"));
        files.writes.clear();
        log.restore(files);

        assertEquals(Errno.EBUSY, refused.errno());
        assertEquals(List.of(CPU1 + "=1"), files.writes);
    }

    @Test
    void aRetriedWriteUsesTheSamePlannedEntry() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(CPU1, "0", "1");
        files.refuse.put(CPU1, Errno.EAGAIN);
        assertThrows(SystemFileException.class, () -> log.write(files, CPU1, "0", "1"));
        files.refuse.clear();

        log.write(files, CPU1, "0", "1");

        assertEquals(1, log.entries().size());
        assertEquals(State.WRITTEN, log.entries().get(0).state());
        assertEquals(1, journal.forces);
    }

    @Test
    void writesOfOnePathWithDifferentValuesMatchTheirOwnPlans() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(DLPAR, "memory add index 0x80000008", "memory remove index 0x80000008");
        log.plan(DLPAR, "memory add index 0x80000009", "memory remove index 0x80000009");

        log.write(files, DLPAR, "memory add index 0x80000009", "ignored: the plan's undo stands");
        log.write(files, DLPAR, "memory add index 0x80000008", "ignored");
        files.writes.clear();
        log.restore(files);

        assertEquals(List.of(DLPAR + "=memory remove index 0x80000009", DLPAR + "=memory remove index 0x80000008"),
                files.writes, "reverse plan order");
    }

    @Test
    void restoreAttemptsEveryEntryAndThrowsTheFirstFailureWithTheOthersSuppressed() throws Exception {
        UndoLog log = UndoLog.inMemory();
        log.write(files, CPU1, "0", "1");
        log.write(files, CPU2, "0", "1");
        log.write(files, CPU3, "0", "1");
        files.refuse.put(CPU3, Errno.EIO);
        files.refuse.put(CPU1, Errno.EPERM);
        files.writes.clear();

        SystemFileException failure = assertThrows(SystemFileException.class, () -> log.restore(files));

        assertEquals(Errno.EIO, failure.errno());
        assertEquals(CPU3, failure.path());
        assertEquals(1, failure.getSuppressed().length);
        assertEquals(CPU1, ((SystemFileException) failure.getSuppressed()[0]).path());
        assertEquals(List.of(CPU2 + "=1"), files.writes);
        assertEquals(List.of(CPU1, CPU3), log.written().stream().map(Entry::path).toList(), "what failed stays to undo");

        files.refuse.clear();
        files.writes.clear();
        log.restore(files);

        assertEquals(List.of(CPU3 + "=1", CPU1 + "=1"), files.writes, "a second restore retries only what is left");
        assertTrue(log.isEmpty());
    }

    @Test
    void aRebuiltLogRestoresWrittenAndInDoubtEntriesAndIgnoresInDoubtRefusals() throws Exception {
        List<Entry> fromJournal = List.of(new Entry(CPU1, "0", "1", State.WRITTEN),
                new Entry(CPU2, "0", "1", State.RESTORED), new Entry(CPU3, "0", "1", State.PLANNED),
                new Entry(DLPAR, "cpu add index 0x10000008", "cpu remove index 0x10000008", State.PLANNED));
        UndoLog log = UndoLog.rebuilt(fromJournal, journal);
        files.refuse.put(DLPAR, Errno.EINVAL);

        log.restore(files);

        assertEquals(List.of(CPU3 + "=1", CPU1 + "=1"), files.writes,
                "in doubt CPU 3 is put back too; CPU 2 was restored before the crash; the refused remove is ignored");
        assertTrue(log.isEmpty());
        assertEquals(List.of(State.RESTORED, State.RESTORED, State.RESTORED, State.RESTORED),
                log.entries().stream().map(Entry::state).toList());
        assertEquals(List.of("restored 3", "write " + CPU3 + "=1", "restored 2", "write " + CPU1 + "=1", "restored 0"),
                events, "each entry is recorded restored as it is dealt with, so a second crash does not repeat it");
    }

    @Test
    void aRebuiltWrittenEntryThatCannotBeRestoredIsReported() throws Exception {
        UndoLog log = UndoLog.rebuilt(List.of(new Entry(CPU1, "0", "1", State.WRITTEN)), journal);
        files.refuse.put(CPU1, Errno.EBUSY);

        SystemFileException failure = assertThrows(SystemFileException.class, () -> log.restore(files));

        assertEquals(Errno.EBUSY, failure.errno());
        assertFalse(log.isEmpty());
    }

    @Test
    void restoreGoesThroughTheGivenWriter() throws Exception {
        UndoLog log = UndoLog.inMemory();
        log.write(files, CPU1, "0", "1");
        List<String> seen = new ArrayList<>();

        log.restore((path, value) -> seen.add(path + "<-" + value));

        assertEquals(List.of(CPU1 + "<-1"), seen);
        assertEquals("0", files.values.get(CPU1), "the writer decides; the files were not touched");
    }

    @Test
    void entriesRefuseUnsafePathsAndValuesThatWouldBreakAJournalLine() {
        assertThrows(IllegalArgumentException.class, () -> UndoLog.inMemory().plan("/etc/passwd", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> UndoLog.inMemory().plan("/sys/../etc/passwd", "x", "y"));
        assertThrows(IllegalArgumentException.class, () -> UndoLog.inMemory().plan(CPU1, "0\n1", "1"));
        assertThrows(IllegalArgumentException.class, () -> UndoLog.inMemory().plan(CPU1, "0", "1\0"));
        assertThrows(IllegalArgumentException.class, () -> UndoLog.inMemory().plan(CPU1, "x".repeat(4097), "1"));
        assertThrows(NullPointerException.class, () -> UndoLog.inMemory().plan(CPU1, "0", null));
    }

    @Test
    void anEmptyLogRestoresNothing() throws Exception {
        UndoLog log = UndoLog.inMemory();

        log.restore(files);

        assertTrue(log.isEmpty());
        assertTrue(files.writes.isEmpty());
        assertTrue(events.isEmpty(), "nothing recorded, nothing forced");
    }

    @Test
    void aJournalThatCannotForceStopsTheWriteBeforeTheKernelSeesIt() throws Exception {
        UndoLog log = UndoLog.recordingTo(new Journal(events) {
            @Override
            public void makeDurable() {
                throw new IllegalStateException("journal broken");
            }
        });
        log.plan(CPU1, "0", "1");

        assertThrows(IllegalStateException.class, () -> log.write(files, CPU1, "0", "1"));

        assertTrue(files.writes.isEmpty());
        assertTrue(log.isEmpty(), "nothing written, nothing to undo");
    }

    @Test
    void aPlanDroppedBeforeItWasRecordedReachesTheJournalAsRestored() throws Exception {
        UndoLog log = UndoLog.recordingTo(journal);
        log.plan(CPU1, "0", "1");
        log.restore(files); // e.g. the deadline passed before the first write
        log.plan(CPU2, "0", "1");

        log.write(files, CPU2, "0", "1");

        assertEquals(List.of("planned 0+2", "restored 0", "force", "write " + CPU2 + "=0", "written 1"), events);
        assertEquals(List.of(State.RESTORED, State.WRITTEN), journal.entries.stream().map(Entry::state).toList());
    }
}
