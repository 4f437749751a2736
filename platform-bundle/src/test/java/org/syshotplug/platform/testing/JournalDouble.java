package org.syshotplug.platform.testing;

import java.util.ArrayList;
import java.util.List;
import org.syshotplug.spi.UndoLog;
import org.syshotplug.spi.UndoLog.Entry;

/**
 * A journal double for one step's undo log: keeps the entries as the sequencer's journal would read
 * them back after a crash, and logs each call (and, through {@link #note}, each kernel write) in order.
 */
public final class JournalDouble implements UndoLog.Recorder {

    private final List<String> events = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();
    private int forces;

    @Override
    public void planned(int first, List<Entry> planned) {
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
        entries.set(position, new Entry(entries.get(position).path(), entries.get(position).value(),
                entries.get(position).undo(), UndoLog.State.WRITTEN));
        events.add("written " + position);
    }

    @Override
    public void restored(int position) {
        if (position >= entries.size()) {
            events.add("restored " + position);
            return;
        }
        entries.set(position, new Entry(entries.get(position).path(), entries.get(position).value(),
                entries.get(position).undo(), UndoLog.State.RESTORED));
        events.add("restored " + position);
    }

    /** Puts something that happened between the log's calls (a kernel write) into the event order. */
    public void note(String event) {
        events.add(event);
    }

    /** Every call ({@code planned 0+2}, {@code force}, {@code written 0}, {@code restored 1}) and note, in order. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /** How often the plan was made durable. */
    public int forces() {
        return forces;
    }

    /** The log as the next process rebuilds it from this journal. */
    public UndoLog readBack() {
        JournalDouble next = new JournalDouble();
        next.entries.addAll(entries);
        return UndoLog.rebuilt(List.copyOf(entries), next);
    }

    /** The entries as journaled (planned, written or restored). */
    public List<Entry> entries() {
        return List.copyOf(entries);
    }
}
