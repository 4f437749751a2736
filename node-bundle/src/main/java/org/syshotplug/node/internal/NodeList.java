package org.syshotplug.node.internal;

import java.util.BitSet;

/** The kernel's list format for node and CPU masks ({@code 0-3,6}; empty for none), both ways. */
final class NodeList {

    private static final int MAX = 1 << 16;

    private NodeList() {
    }

    /** Parses a list as bitmap_parselist accepts it; IllegalArgumentException naming the bad text. */
    static BitSet parse(String text) {
        BitSet b = new BitSet();
        String s = text.strip();
        if (s.isEmpty()) {
            return b;
        }
        for (String part : s.split(",")) {
            int dash = part.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from || to >= MAX) {
                    throw new NumberFormatException();
                }
                b.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + part + "' in '" + s + "' is not a number or a range a-b");
            }
        }
        return b;
    }

    /** Formats as bitmap_print_to_pagebuf does for lists: ranges joined by commas, empty for none. */
    static String format(BitSet b) {
        StringBuilder out = new StringBuilder();
        for (int i = b.nextSetBit(0); i >= 0; ) {
            int end = b.nextClearBit(i) - 1;
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(i);
            if (end > i) {
                out.append('-').append(end);
            }
            i = b.nextSetBit(end + 1);
        }
        return out.toString();
    }

    /** Space-separated single numbers, as numactl -H prints a node's CPUs. */
    static String spaced(BitSet b) {
        StringBuilder out = new StringBuilder();
        b.stream().forEach(i -> out.append(out.length() == 0 ? "" : " ").append(i));
        return out.toString();
    }
}
