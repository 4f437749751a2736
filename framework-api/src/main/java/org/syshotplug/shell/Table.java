package org.syshotplug.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one table of the shell, in the style of util-linux {@code lsmem}/{@code lscpu -e}: upper-case
 * headings, columns padded to their widest cell, numbers right-aligned. The same rows render as
 * {@link Style#RAW raw} text (single spaces, as {@code lsmem -r}), without the heading line (as
 * {@code -n}), with a delimiter (as powerpc-utils' {@code lsslot -F}), or as {@link #records()
 * records} for a JSON encoder, which keep each cell's own type (numbers, booleans, null).
 *
 * <p>A column's name is also its JSON key: {@code "CPUHP STATE"} is shown as the heading
 * {@code CPUHP-STATE} and keyed {@code cpuhp-state}, the way lsmem/lscpu name theirs.
 */
public final class Table {

    /** How the rows are laid out as text. */
    public enum Style {
        /** Padded columns, numbers right-aligned. */
        ALIGNED,
        /** Cells separated by one space, spaces inside a cell as {@code \x20}, like {@code lsmem -r}. */
        RAW
    }

    private final List<String> columns;
    private final Set<Integer> right = new TreeSet<>();
    private int gap = 2;
    private final List<List<Object>> rows = new ArrayList<>();

    /** A table with these columns; names are shown upper-case with spaces as {@code -}. */
    public Table(String... columns) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        // One spelling for every bundle's headings: CPUHP-STATE, never CPUHP.STATE or "CPUHP STATE".
        this.columns = Arrays.stream(columns).map(c -> c.strip().toUpperCase(Locale.ROOT).replaceAll("[ ._]", "-")).toList();
    }

    public Table(List<String> columns) {
        this(columns.toArray(String[]::new));
    }

    /** Right-aligns these columns (by position) in {@link Style#ALIGNED} output, as lsmem does numbers. */
    public Table right(int... positions) {
        for (int p : positions) {
            right.add(p);
        }
        return this;
    }

    /** Spaces between aligned columns: 2 by default, 1 for lsmem's own layout. */
    public Table gap(int spaces) {
        if (spaces < 1) {
            throw new IllegalArgumentException("columns need at least one space between them, not " + spaces);
        }
        this.gap = spaces;
        return this;
    }

    /** Adds a row; an empty string stays empty (as lsmem shows REMOVABLE of an offline block); a null cell is shown as {@code -} and encoded as JSON null. */
    public Table row(Object... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells for " + columns.size() + " columns");
        }
        rows.add(Arrays.asList(cells.clone()));
        return this;
    }

    public Table row(List<?> cells) {
        return row(cells.toArray());
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    public int size() {
        return rows.size();
    }

    /** The headings as shown. */
    public List<String> columns() {
        return columns;
    }

    /** The JSON keys: headings in lower case. */
    public List<String> keys() {
        return columns.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * One map per row, key to cell, in column order: what {@code --json} prints. Strings, numbers,
     * booleans and null stay as they are; anything else becomes its {@code toString()}.
     */
    public List<Map<String, Object>> records() {
        List<String> keys = keys();
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            Map<String, Object> record = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                record.put(keys.get(i), jsonValue(r.get(i)));
            }
            out.add(record);
        }
        return out;
    }

    /** Aligned, with the heading line. */
    @Override
    public String toString() {
        return render(Style.ALIGNED, true);
    }

    /** The rows as text in this style, with or without the heading line. */
    public String render(Style style, boolean headings) {
        List<List<String>> text = new ArrayList<>();
        if (headings) {
            text.add(columns);
        }
        rows.forEach(r -> text.add(r.stream().map(c -> cell(c, style)).toList()));
        if (style == Style.RAW) {
            return delimited(text, " ");
        }
        int[] width = new int[columns.size()];
        for (List<String> r : text) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (List<String> r : text) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                String pad = " ".repeat(width[i] - r.get(i).length());
                if (i > 0) {
                    line.append(" ".repeat(gap));
                }
                line.append(right.contains(i) ? pad + r.get(i) : r.get(i) + pad);
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** The rows with {@code delimiter} between cells, as {@code lsslot -F :} prints them. */
    public String render(String delimiter, boolean headings) {
        List<List<String>> text = new ArrayList<>();
        if (headings) {
            text.add(columns);
        }
        // A delimiter, not spaces, separates the cells: spaces inside them stay as they are.
        rows.forEach(r -> text.add(r.stream().map(c -> c == null ? "" : cell(c, Style.ALIGNED)).toList()));
        return delimited(text, delimiter);
    }

    /** Renders for the usual pair of util-linux switches: {@code -r} raw, {@code -n} no headings. */
    public String render(boolean raw, boolean noHeadings) {
        return render(raw ? Style.RAW : Style.ALIGNED, !noHeadings);
    }

    private static String delimited(List<List<String>> text, String delimiter) {
        StringBuilder b = new StringBuilder();
        for (List<String> r : text) {
            b.append(String.join(delimiter, r)).append('\n');
        }
        return b.toString();
    }

    private static String cell(Object c, Style style) {
        if (c == null) {
            return style == Style.RAW ? "" : "-";
        }
        String s = c instanceof Boolean flag ? (flag ? "yes" : "no") : c.toString();
        // One cell, one line: control characters from a device or a message never break the layout.
        String flat = s.replaceAll("\\p{Cc}", " ");
        if (style == Style.RAW) {
            return flat.replace(" ", "\\x20");
        }
        return flat;
    }

    private static Object jsonValue(Object c) {
        if (c == null || c instanceof String || c instanceof Number || c instanceof Boolean) {
            return c;
        }
        if (c instanceof List<?> list) {
            return list.stream().map(Table::jsonValue).toList();
        }
        return c.toString();
    }
}
