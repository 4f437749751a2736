package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

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

    static String table(List<Range> ranges, List<Column> columns, boolean bytes) {
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            header[i] = columns.get(i).name();
        }
        rows.add(header);
        for (Range r : ranges) {
            String[] row = new String[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                row[i] = cell(r, columns.get(i), bytes);
            }
            rows.add(row);
        }
        int[] widths = new int[columns.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append(' ');
                }
                String pad = " ".repeat(widths[i] - row[i].length());
                line.append(columns.get(i).right ? pad + row[i] : row[i] + pad);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
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

    private static String cell(Range r, Column column, boolean bytes) {
        return switch (column) {
            case RANGE -> String.format("0x%016x-0x%016x", r.start(), r.end());
            case SIZE -> bytes ? Long.toString(r.size()) : MemorySize.human(r.size());
            case STATE -> "going-offline".equals(r.state()) ? "on->off" : r.state();
            // lsmem says whether a block could be removed only while it is online
            case REMOVABLE -> !MemoryBlock.ONLINE.equals(r.state()) ? "" : r.removable() ? "yes" : "no";
            case BLOCK -> r.firstBlock() == r.lastBlock() ? Integer.toString(r.firstBlock())
                    : r.firstBlock() + "-" + r.lastBlock();
            case NODE -> r.node() == null ? "-" : r.node().toString();
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
