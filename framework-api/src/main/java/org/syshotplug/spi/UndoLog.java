package org.syshotplug.spi;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
 * is not reported (the change most likely never happened). A planned entry of this process whose
 * write failed or never came is known unwritten (a kernel store that answers an error has not
 * applied the value) and is left alone.
 *
 * <p>Entries keep their position for good: positions are what the journal's records name, so a
 * restored entry is marked {@link State#RESTORED}, never removed.
 *
 * <p>Not thread-safe: one handler call uses it at a time, as the sequencer guarantees.
 */
public final class UndoLog {

    /** The longest value or undo value an entry takes: sysfs stores take one page. */
    public static final int MAX_VALUE = 4096;

    /** Where an entry stands. */
    public enum State {
        /** About to be written: durable before the write, written or not when a crash came. */
        PLANNED,
        /** Written: the kernel accepted the value. */
        WRITTEN,
        /** Nothing left to undo: put back by {@link #restore}, or known never written. */
        RESTORED
    }

    /**
     * One kernel write: the file, the value written, and the value that puts the file back.
     *
     * @param path  an absolute kernel path, checked by {@link KernelPaths#requireSafe(String)}
     * @param value the value written, at most {@value #MAX_VALUE} characters and no control character
     *              (it is journaled as a line of text)
     * @param undo  the value that puts the file back, the same rules
     */
    public record Entry(String path, String value, String undo, State state) {
        public Entry {
            KernelPaths.requireSafe(path);
            requirePlain(value, "value", path);
            requirePlain(undo, "undo value", path);
            Objects.requireNonNull(state, "state");
        }

        Entry in(State next) {
            return new Entry(path, value, undo, next);
        }

        private static void requirePlain(String text, String what, String path) {
            Objects.requireNonNull(text, what);
            if (text.length() > MAX_VALUE) {
                throw new IllegalArgumentException("the " + what + " for " + path + " is longer than " + MAX_VALUE
                        + " characters");
            }
            if (text.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("the " + what + " for " + path
                        + " contains a control character (a newline or NUL): sysfs values are one plain token");
            }
        }
    }

    /**
     * The journal behind an undo log, implemented by the sequencer. Entries are numbered by their
     * position in the log, so a rebuilt log and the journal agree on which entry a record means.
     */
    @ConsumerType
    public interface Recorder {
        /**
         * Appends newly planned entries (starting at position {@code first}); need not force. An entry
         * already {@link State#RESTORED} (a plan a restore dropped before it was recorded) is followed
         * by its {@link #restored} call.
         */
        void planned(int first, List<Entry> entries);

        /**
         * Called before a kernel write: makes everything planned so far durable (a force, shared where it
         * can be). A journal that cannot throws an unchecked exception: the write is then not made.
         */
        void makeDurable();

        /** Appends that the entry at {@code position} was written; need not force. */
        void written(int position);

        /**
         * Appends that the entry at {@code position} needs no undo any more (put back, or known never
         * written); need not force. A journal that ignores it only makes a restart after a crash during
         * rollback write some undo values a second time.
         */
        default void restored(int position) {
        }
    }

    /**
     * Where {@link #restore(Writer)} writes undo values: {@link SystemFiles#write} itself, or a handler's
     * wrapper that logs each one or skips a file that is already back (a memory block's {@code state}
     * answers EINVAL when asked for the state it is in).
     */
    @FunctionalInterface
    @ConsumerType
    public interface Writer {
        void write(String path, String value) throws SystemFileException;
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
    // Planned entries not yet written, by path and value, in plan order: write() takes the first.
    private final Map<Target, Deque<Integer>> pending = new HashMap<>();
    private int unrecorded;
    private boolean durable = true;
    // Entries below this position came from the journal: a planned one among them is in doubt.
    private int inDoubtBelow;

    private record Target(String path, String value) {
    }

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

    /**
     * The log a crashed step left, as read back from the journal (every position, in order, restored
     * ones included), recording further changes into {@code recorder}.
     */
    public static UndoLog rebuilt(List<Entry> entries, Recorder recorder) {
        UndoLog log = new UndoLog(recorder);
        for (Entry e : entries) {
            log.entries.add(Objects.requireNonNull(e, "entry"));
            if (e.state() == State.PLANNED) {
                log.pending.computeIfAbsent(new Target(e.path(), e.value()), t -> new ArrayDeque<>())
                        .addLast(log.entries.size() - 1);
            }
        }
        log.unrecorded = log.entries.size();
        log.inDoubtBelow = log.entries.size();
        return log;
    }

    /** Declares a write this step is about to make. Nothing is written to the kernel, nothing is forced yet. */
    public void plan(String path, String value, String undo) {
        entries.add(new Entry(path, value, undo, State.PLANNED));
        pending.computeIfAbsent(new Target(path, value), t -> new ArrayDeque<>()).addLast(entries.size() - 1);
        durable = false;
    }

    /**
     * Writes {@code value} to {@code path}: takes the first planned entry for that path and value
     * (its undo value stands; {@code undo} is used only when nothing was planned, and then this write
     * costs a force of its own), makes every plan durable if it is not yet, writes, and records the
     * entry written. On failure the entry stays planned, the kernel did not apply the value, and the
     * exception is the kernel's.
     */
    public void write(SystemFiles files, String path, String value, String undo) throws SystemFileException {
        Target target = new Target(path, value);
        Deque<Integer> waiting = pending.get(target);
        if (waiting == null || waiting.isEmpty()) {
            plan(path, value, undo);
            waiting = pending.get(target);
        }
        // A journal that cannot make the plan durable throws here, before the kernel sees anything.
        flushPlans();
        int position = waiting.removeFirst();
        try {
            files.write(path, value);
        } catch (SystemFileException e) {
            // Still planned: a later write of the same path and value may use it.
            waiting.addFirst(position);
            throw e;
        }
        entries.set(position, entries.get(position).in(State.WRITTEN));
        recorder.written(position);
    }

    private void flushPlans() {
        if (unrecorded < entries.size()) {
            int first = unrecorded;
            recorder.planned(first, List.copyOf(entries.subList(first, entries.size())));
            unrecorded = entries.size();
            // A plan dropped by a restore before it was recorded: the journal must not rebuild it as in doubt.
            for (int i = first; i < unrecorded; i++) {
                if (entries.get(i).state() == State.RESTORED) {
                    recorder.restored(i);
                }
            }
        }
        if (!durable) {
            recorder.makeDurable();
            durable = true;
        }
    }

    /** Every entry by position: planned, written and restored, in the order planned. */
    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    /** The entries the kernel accepted and that are not restored yet, in the order planned. */
    public List<Entry> written() {
        return entries.stream().filter(e -> e.state() == State.WRITTEN).toList();
    }

    /** True when a {@link #restore} has nothing to do: nothing written, nothing in doubt. */
    public boolean isEmpty() {
        for (int i = 0; i < entries.size(); i++) {
            if (needsUndo(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean needsUndo(int position) {
        State state = entries.get(position).state();
        return state == State.WRITTEN || state == State.PLANNED && position < inDoubtBelow;
    }

    /** {@link #restore(Writer)} through {@code files.write}. */
    public void restore(SystemFiles files) throws SystemFileException {
        restore(files::write);
    }

    /**
     * Puts every written entry back, last first, by writing its undo value; every entry is attempted.
     * Written entries that cannot be restored stay written, and the first failure is thrown (the
     * others suppressed into it), so calling it again retries only what is left. Planned entries of a
     * {@linkplain #rebuilt rebuilt} log are in doubt: their undo is written too, and a failure there is
     * ignored; planned entries of this process were never written and only become restored.
     */
    public void restore(Writer writer) throws SystemFileException {
        SystemFileException first = null;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            if (e.state() == State.RESTORED) {
                continue;
            }
            if (needsUndo(i)) {
                try {
                    writer.write(e.path(), e.undo());
                } catch (SystemFileException failure) {
                    if (e.state() == State.WRITTEN) {
                        if (first == null) {
                            first = failure;
                        } else {
                            first.addSuppressed(failure);
                        }
                        continue;
                    }
                    // In doubt and refused: the kernel most likely never saw the original write.
                }
            }
            settle(i);
        }
        if (first != null) {
            throw first;
        }
    }

    private void settle(int position) {
        Entry e = entries.get(position);
        if (e.state() == State.PLANNED) {
            Deque<Integer> waiting = pending.get(new Target(e.path(), e.value()));
            if (waiting != null) {
                waiting.remove(position);
            }
        }
        entries.set(position, e.in(State.RESTORED));
        if (position < unrecorded) {
            recorder.restored(position);
        }
    }

    @Override
    public String toString() {
        return "UndoLog" + entries;
    }
}
