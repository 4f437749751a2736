package org.syshotplug.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.osgi.annotation.versioning.ConsumerType;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * What one execute step changes in kernel files and how to change it back, kept so that the step's
 * rollback — in this process, or after a crash in the next one — restores exactly what was changed.
 *
 * <p>A handler first {@linkplain #plan plans} every write it is about to make (path, value, and the
 * value that undoes it), then {@linkplain #write writes} them. Before the first kernel write after
 * new plans, the sequencer makes the plans durable once (one force for the whole plan, whatever
 * the number of devices); each write that succeeds is then appended as {@link State#WRITTEN}
 * without a force of its own. So after a crash every change is either known written or at least
 * known planned, and the rollback rebuilt from the journal ({@link #rebuilt}) finds it.
 *
 * <p>A planned entry that was never marked written is in doubt: the process may have died between
 * the kernel write and its record. {@link #restore} still writes its undo value, but a failure there
 * is not reported (the change most likely never happened).
 *
 * <p>Not thread-safe: one handler call uses it at a time, as the sequencer guarantees.
 */
public final class UndoLog {

    /** Where an entry stands. */
    public enum State {
        /** About to be written: durable before the write, written or not when a crash came. */
        PLANNED,
        /** Written: the kernel accepted the value. */
        WRITTEN
    }

    /**
     * One kernel write: the file, the value written, and the value that puts the file back.
     *
     * @param path an absolute kernel path, checked by {@link KernelPaths#requireSafe(String)}
     */
    public record Entry(String path, String value, String undo, State state) {
        public Entry {
            KernelPaths.requireSafe(path);
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(undo, "undo");
            Objects.requireNonNull(state, "state");
        }

        Entry written() {
            return new Entry(path, value, undo, State.WRITTEN);
        }
    }

    /**
     * The journal behind an undo log, implemented by the sequencer. Entries are numbered by their
     * position in the log, so a rebuilt log and the journal agree on which entry a record means.
     */
    @ConsumerType
    public interface Recorder {
        /** Appends newly planned entries (starting at position {@code first}); need not force. */
        void planned(int first, List<Entry> entries);

        /** Called before a kernel write: makes everything planned so far durable (a force, shared where it can be). */
        void makeDurable();

        /** Appends that the entry at {@code position} was written; need not force. */
        void written(int position);
    }

    private static final Recorder DETACHED = new Recorder() {
        @Override
        public void planned(int first, List<Entry> entries) {
        }

        @Override
        public void makeDurable() {
        }

        @Override
        public void written(int position) {
        }
    };

    private final Recorder recorder;
    private final List<Entry> entries = new ArrayList<>();
    // Planned entries not yet written, by path, in plan order: write() takes the first that matches.
    private final Map<String, List<Integer>> pending = new HashMap<>();
    private int unrecorded;
    private boolean durable = true;
    // Entries below this position came from the journal: a planned one among them is in doubt.
    private int inDoubtBelow;

    private UndoLog(Recorder recorder) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    /** A log that records into {@code recorder} (the sequencer's journal). */
    public static UndoLog recordingTo(Recorder recorder) {
        return new UndoLog(recorder);
    }

    /** A log kept in memory only (tests, and handlers run without a journal). */
    public static UndoLog inMemory() {
        return new UndoLog(DETACHED);
    }

    /** The log a crashed step left, as read back from the journal, recording further changes into {@code recorder}. */
    public static UndoLog rebuilt(List<Entry> entries, Recorder recorder) {
        UndoLog log = new UndoLog(recorder);
        for (Entry e : entries) {
            log.entries.add(e);
            if (e.state() == State.PLANNED) {
                log.pending.computeIfAbsent(e.path(), p -> new ArrayList<>()).add(log.entries.size() - 1);
            }
        }
        log.unrecorded = log.entries.size();
        log.inDoubtBelow = log.entries.size();
        return log;
    }

    /** Declares a write this step is about to make. Nothing is written to the kernel. */
    public void plan(String path, String value, String undo) {
        entries.add(new Entry(path, value, undo, State.PLANNED));
        pending.computeIfAbsent(path, p -> new ArrayList<>()).add(entries.size() - 1);
        durable = false;
    }

    /**
     * Writes {@code value} to {@code path}, planning it first (with {@code undo}) unless a planned
     * entry for the same path and value is waiting; the plan is durable before the kernel sees the
     * write. On failure the entry stays planned and the exception is the kernel's.
     */
    public void write(SystemFiles files, String path, String value, String undo) throws SystemFileException {
        int position = takePlanned(path, value);
        if (position < 0) {
            plan(path, value, undo);
            position = takePlanned(path, value);
        }
        flushPlans();
        try {
            files.write(path, value);
        } catch (SystemFileException e) {
            // Still planned: a later write of the same path may use it, and rollback treats it as in doubt.
            pending.computeIfAbsent(path, p -> new ArrayList<>()).add(0, position);
            throw e;
        }
        entries.set(position, entries.get(position).written());
        recorder.written(position);
    }

    private int takePlanned(String path, String value) {
        List<Integer> waiting = pending.get(path);
        if (waiting == null) {
            return -1;
        }
        for (int i = 0; i < waiting.size(); i++) {
            int position = waiting.get(i);
            if (entries.get(position).value().equals(value)) {
                waiting.remove(i);
                return position;
            }
        }
        return -1;
    }

    private void flushPlans() {
        if (unrecorded < entries.size()) {
            recorder.planned(unrecorded, List.copyOf(entries.subList(unrecorded, entries.size())));
            unrecorded = entries.size();
        }
        if (!durable) {
            recorder.makeDurable();
            durable = true;
        }
    }

    /** Every entry, planned or written, in the order planned. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The entries the kernel accepted, in the order planned. */
    public List<Entry> written() {
        return entries.stream().filter(e -> e.state() == State.WRITTEN).toList();
    }

    /** True when nothing is planned or written (a rollback has nothing to do). */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * Puts every written entry back, last first, by writing its undo value; every entry is attempted.
     * Written entries that cannot be restored make the first failure the thrown one (the others
     * suppressed into it). Planned entries of a {@linkplain #rebuilt rebuilt} log are in doubt: they
     * are restored too, but their failures are ignored; planned entries of this process were never
     * written (the write failed or did not come) and are left alone.
     * Entries restored are removed, so calling it again after a failure retries only what is left.
     */
    public void restore(SystemFiles files) throws SystemFileException {
        SystemFileException first = null;
        List<Entry> left = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.state() == State.PLANNED && i >= inDoubtBelow) {
                continue;
            }
            try {
                files.write(e.path(), e.undo());
            } catch (SystemFileException failure) {
                if (e.state() == State.PLANNED) {
                    continue;
                }
                left.add(0, e);
                if (first == null) {
                    first = failure;
                } else {
                    first.addSuppressed(failure);
                }
            }
        }
        entries.clear();
        pending.clear();
        entries.addAll(left);
        unrecorded = entries.size();
        inDoubtBelow = 0;
        if (first != null) {
            throw first;
        }
    }

    @Override
    public String toString() {
        return "UndoLog" + entries;
    }
}
