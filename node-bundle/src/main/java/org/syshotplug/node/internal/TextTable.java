package org.syshotplug.node.internal;

import java.util.ArrayList;
import java.util.List;

/** An aligned text table with upper-case headers, as {@code lscpu -e} prints; numbers right-aligned. */
final class TextTable {

    private final String[] headers;
    private final boolean[] rightAligned;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = headers;
        this.rightAligned = new boolean[headers.length];
    }

    TextTable right(int... columns) {
        for (int c : columns) {
            rightAligned[c] = true;
        }
        return this;
    }

    TextTable row(Object... cells) {
        String[] row = new String[headers.length];
        for (int i = 0; i < headers.length; i++) {
            row[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "-";
        }
        rows.add(row);
        return this;
    }

    @Override
    public String toString() {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, headers, widths);
        for (String[] row : rows) {
            line(b, row, widths);
        }
        return b.toString();
    }

    private void line(StringBuilder b, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                line.append(' ');
            }
            String pad = " ".repeat(widths[i] - cells[i].length());
            line.append(rightAligned[i] ? pad + cells[i] : cells[i] + pad);
        }
        b.append(line.toString().stripTrailing()).append('\n');
    }
}
