package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.syshotplug.shell.Table;

/**
 * The lsmem view: adjacent blocks that agree on the split columns merge into one range, and a
 * summary of block size and online/offline totals. Follows util-linux lsmem: by default it splits
 * on the shown columns among STATE, REMOVABLE, NODE and ZONES; {@code --all} lists every block.
 */
final class LsmemReport {

    enum Column {
        RANGE(false), SIZE(true), STATE(true), REMOVABLE(true), BLOCK(true), NODE(true), ZONES(true);

        final boolean right;

        Column(boolean right) {
            this.right = right;
        }

        static List<Column> parseList(String text) {
            List<Column> columns = new ArrayList<>();
            for (String name : text.split(",", -1)) {
                try {
                    columns.add(valueOf(name.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown column '" + MemorySize.printable(name.strip())
                            + "': expected RANGE, SIZE, STATE, REMOVABLE, BLOCK, NODE or ZONES");
                }
            }
            return columns;
        }
    }

    static final List<Column> DEFAULT_COLUMNS =
            List.of(Column.RANGE, Column.SIZE, Column.STATE, Column.REMOVABLE, Column.BLOCK);
    private static final Set<Column> SPLITTABLE = EnumSet.of(Column.STATE, Column.REMOVABLE, Column.NODE, Column.ZONES);

    /** A run of adjacent blocks shown as one line. */
    record Range(long start, long end, int firstBlock, int lastBlock, String state, boolean removable,
            Integer node, List<String> zones) {

        long size() {
            return end - start + 1;
        }
    }

    private LsmemReport() {
    }

    static List<Range> ranges(List<MemoryBlock> blocks, Set<Column> splitOn, boolean all) {
        List<Range> ranges = new ArrayList<>();
        for (MemoryBlock b : blocks) {
            Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (!all && last != null && mergeable(last, b, splitOn)) {
                ranges.set(ranges.size() - 1, new Range(last.start(), b.end(), last.firstBlock(), b.id(),
                        last.state(), last.removable(), last.node(), last.zones()));
            } else {
                ranges.add(new Range(b.start(), b.end(), b.id(), b.id(), b.state(), b.removable(), b.node(),
                        b.validZones()));
            }
        }
        return ranges;
    }

    /** The split columns lsmem uses when none are given: those shown. */
    static Set<Column> defaultSplit(List<Column> columns) {
        Set<Column> split = EnumSet.noneOf(Column.class);
        for (Column c : columns) {
            if (SPLITTABLE.contains(c)) {
                split.add(c);
            }
        }
        return split;
    }

    static Set<Column> parseSplit(String text) {
        Set<Column> split = EnumSet.noneOf(Column.class);
        for (Column c : Column.parseList(text)) {
            if (!SPLITTABLE.contains(c)) {
                throw new IllegalArgumentException("cannot split on " + c + ": expected STATE, REMOVABLE, NODE or ZONES");
            }
            split.add(c);
        }
        return split;
    }

    private static boolean mergeable(Range last, MemoryBlock b, Set<Column> splitOn) {
        // Adjacent by block number, as lsmem merges; a hole (no memoryN) always starts a new range.
        if (last.lastBlock() + 1 != b.id() || last.end() + 1 != b.start()) {
            return false;
        }
        if (splitOn.contains(Column.STATE) && !last.state().equals(b.state())) {
            return false;
        }
        if (splitOn.contains(Column.REMOVABLE) && last.removable() != b.removable()) {
            return false;
        }
        if (splitOn.contains(Column.NODE) && !Objects.equals(last.node(), b.node())) {
            return false;
        }
        return !splitOn.contains(Column.ZONES) || last.zones().equals(b.validZones());
    }

    /** The ranges as lsmem lays them out: one space apart, every column but RANGE right-aligned. */
    static Table table(List<Range> ranges, List<Column> columns, boolean bytes) {
        Table t = new Table(columns.stream().map(Enum::name).toList()).gap(1);
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).right) {
                t.right(i);
            }
        }
        for (Range r : ranges) {
            t.row(columns.stream().map(c -> cell(r, c, bytes)).toList());
        }
        return t;
    }

    /** lsmem's JSON: the rows under {@code "memory"}, sizes in bytes as numbers with -b. */
    static Map<String, Object> json(Table table) {
        return Map.of("memory", table.records());
    }

    static String summary(List<MemoryBlock> blocks, long blockSize, boolean bytes) {
        long online = 0;
        long offline = 0;
        for (MemoryBlock b : blocks) {
            if (b.isOnline()) {
                online += b.blockSize();
            } else if (b.isOffline()) {
                offline += b.blockSize();
            }
        }
        return summaryLine("Memory block size:", blockSize, bytes)
                + summaryLine("Total online memory:", online, bytes)
                + summaryLine("Total offline memory:", offline, bytes);
    }

    private static String summaryLine(String label, long value, boolean bytes) {
        return bytes ? String.format("%-23s %15d\n", label, value) : String.format("%-23s %5s\n", label, MemorySize.human(value));
    }

    private static Object cell(Range r, Column column, boolean bytes) {
        return switch (column) {
            case RANGE -> String.format("0x%016x-0x%016x", r.start(), r.end());
            case SIZE -> bytes ? (Object) r.size() : MemorySize.human(r.size());
            case STATE -> "going-offline".equals(r.state()) ? "on->off" : r.state();
            // lsmem says whether a block could be removed only while it is online
            case REMOVABLE -> !MemoryBlock.ONLINE.equals(r.state()) ? "" : (Object) r.removable();
            case BLOCK -> r.firstBlock() == r.lastBlock() ? Integer.toString(r.firstBlock())
                    : r.firstBlock() + "-" + r.lastBlock();
            case NODE -> r.node() == null ? "-" : (Object) r.node();
            case ZONES -> zones(r.zones());
        };
    }

    /** lsmem prints the kernel's zone names, with {@code none} (a block spanning zones) as None. */
    private static String zones(List<String> zones) {
        List<String> shown = new ArrayList<>();
        for (String z : zones) {
            shown.add("none".equals(z) ? "None" : z);
        }
        return shown.isEmpty() ? "-" : String.join("/", shown);
    }
}
