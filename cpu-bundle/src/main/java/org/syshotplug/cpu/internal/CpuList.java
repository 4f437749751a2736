package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's CPU list format ({@code 0-3,6}), as the {@code online}/{@code present} masks print
 * it and as {@code chcpu -e} takes it (Documentation/admin-guide/cputopology.rst).
 */
final class CpuList {

    /** The kernel's NR_CPUS ceiling is 8192 on common configurations; a longer list is a typo. */
    static final int MAX_CPU = 8191;

    private static final Pattern ITEM = Pattern.compile("(0|[1-9][0-9]{0,5})(?:-(0|[1-9][0-9]{0,5}))?");

    private CpuList() {
    }

    /** Parses a list; the empty string (an empty mask such as {@code offline}) is the empty set. */
    static SortedSet<Integer> parse(String text) {
        SortedSet<Integer> cpus = new TreeSet<>();
        parse(text, (first, last) -> {
            for (int cpu = first; cpu <= last; cpu++) {
                cpus.add(cpu);
            }
        });
        return cpus;
    }

    /**
     * The same list as a bit per CPU, with the same checks: a kernel mask ({@code present},
     * {@code online}) read once per request and looked up once per CPU of the request.
     */
    static BitSet parseMask(String text) {
        BitSet cpus = new BitSet();
        parse(text, (first, last) -> cpus.set(first, last + 1));
        return cpus;
    }

    private interface Ranges {
        void add(int first, int last);
    }

    private static void parse(String text, Ranges ranges) {
        String list = text == null ? "" : text.strip();
        if (list.isEmpty()) {
            return;
        }
        for (String item : list.split(",", -1)) {
            Matcher m = ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid CPU list item '" + printable(item)
                        + "' in '" + printable(list) + "': expected CPU numbers or ranges such as 1,3-5");
            }
            int first = Integer.parseInt(m.group(1));
            int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
            if (last < first) {
                throw new IllegalArgumentException("invalid CPU range '" + item.strip() + "': the end is below the start");
            }
            if (last > MAX_CPU) {
                throw new IllegalArgumentException("invalid CPU number " + last + " in '" + printable(list)
                        + "': at most " + MAX_CPU + " is allowed");
            }
            ranges.add(first, last);
        }
    }

    /** Formats ascending ids the kernel's way: consecutive runs as {@code a-b}. */
    static String format(Iterable<Integer> ids) {
        List<int[]> runs = new ArrayList<>();
        for (int id : new TreeSet<>(toList(ids))) {
            int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[1] + 1 == id) {
                last[1] = id;
            } else {
                runs.add(new int[] {id, id});
            }
        }
        StringBuilder b = new StringBuilder();
        for (int[] run : runs) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(run[0]);
            if (run[1] != run[0]) {
                b.append('-').append(run[1]);
            }
        }
        return b.toString();
    }

    private static List<Integer> toList(Iterable<Integer> ids) {
        List<Integer> list = new ArrayList<>();
        ids.forEach(list::add);
        return list;
    }

    static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cc}", "?");
    }
}
