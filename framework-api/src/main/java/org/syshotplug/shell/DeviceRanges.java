package org.syshotplug.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.syshotplug.api.DeviceRef;

/**
 * Device lists as a person reads them: {@code cpu:1-3,memory:100-2047} instead of 1,951 names.
 * Numeric ids of one type fold into runs; other ids are listed as they are.
 */
public final class DeviceRanges {

    /** Runs {@link #inOrder(List)} prints before the rest is summed up as a count. */
    public static final int MAX_RUNS = 32;

    private DeviceRanges() {
    }

    /** {@link #inOrder(List, int)} cut after {@link #MAX_RUNS} runs. */
    public static String inOrder(List<DeviceRef> devices) {
        return inOrder(devices, MAX_RUNS);
    }

    /**
     * {@code [cpu:1-999, memory:4]}: the devices in list order (the order a chain walks them), neither
     * sorted nor deduplicated, so a log line about thousands of devices stays short and still says
     * the order. After {@code maxRuns} runs the rest is counted: {@code , ... 4064 more} devices.
     */
    public static String inOrder(List<DeviceRef> devices, int maxRuns) {
        StringBuilder b = new StringBuilder("[");
        int runs = 0;
        int i = 0;
        int n = devices.size();
        while (i < n) {
            if (runs == maxRuns) {
                b.append(runs > 0 ? ", ... " : "... ").append(n - i).append(" more");
                break;
            }
            int j = runEnd(devices, i);
            if (runs > 0) {
                b.append(", ");
            }
            b.append(run(devices, i, j));
            runs++;
            i = j;
        }
        return b.append(']').toString();
    }

    /** The devices sorted and folded into ranges, joined by commas; {@code -} for none. */
    public static String summarise(List<DeviceRef> devices) {
        List<String> parts = parts(devices);
        return parts.isEmpty() ? "-" : String.join(",", parts);
    }

    /** Like {@link #summarise}, cut to about {@code max} characters with a count of what is left out. */
    public static String summarise(List<DeviceRef> devices, int max) {
        List<String> parts = parts(devices);
        if (parts.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            String next = (i == 0 ? "" : ",") + parts.get(i);
            if (b.length() + next.length() > max && i > 0) {
                return b.append(",... (").append(parts.size() - i).append(" more ranges)").toString();
            }
            b.append(next);
        }
        return b.toString();
    }

    /** Each run as one string: {@code cpu:1-3}, {@code memory:12}, {@code acpi:ACPI0004:00}. */
    public static List<String> parts(List<DeviceRef> devices) {
        List<DeviceRef> sorted = new ArrayList<>(new TreeSet<>(devices));
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = runEnd(sorted, i);
            parts.add(run(sorted, i, j));
            i = j;
        }
        return parts;
    }

    /** The end (exclusive) of the run that starts at {@code from}: the next ids of the same numeric type. */
    private static int runEnd(List<DeviceRef> devices, int from) {
        DeviceRef first = devices.get(from);
        int j = from + 1;
        if (first.isNumeric()) {
            while (j < devices.size() && devices.get(j).type().equals(first.type()) && devices.get(j).isNumeric()
                    && devices.get(j).numericId() == devices.get(j - 1).numericId() + 1) {
                j++;
            }
        }
        return j;
    }

    private static String run(List<DeviceRef> devices, int from, int to) {
        DeviceRef first = devices.get(from);
        return to - from == 1 ? first.toString() : first + "-" + devices.get(to - 1).id();
    }

    /**
     * Parses {@code type:id} and {@code type:first-last} (numeric types only), as the generic
     * commands take them: {@code cpu:1-3} is {@code cpu:1 cpu:2 cpu:3}.
     *
     * @throws IllegalArgumentException naming the bad token and what is allowed
     */
    public static List<DeviceRef> parse(String token) {
        int colon = token.indexOf(':');
        int dash = token.lastIndexOf('-');
        if (colon > 0 && dash > colon + 1 && token.substring(colon + 1).matches("[0-9]{1,10}-[0-9]{1,10}")) {
            String type = token.substring(0, colon);
            DeviceRef low = DeviceRef.parse(token.substring(0, dash));
            DeviceRef high = DeviceRef.parse(type + ":" + token.substring(dash + 1));
            if (!low.isNumeric() || !high.isNumeric()) {
                throw new IllegalArgumentException("invalid device range '" + shown(token) + "': ranges are for numeric ids"
                        + " such as cpu:1-3 or memory:100-131");
            }
            if (high.numericId() < low.numericId()) {
                throw new IllegalArgumentException("invalid device range '" + shown(token) + "': the first id is larger"
                        + " than the last");
            }
            if ((long) high.numericId() - low.numericId() >= 65_536) {
                throw new IllegalArgumentException("invalid device range '" + shown(token) + "': at most 65536 devices");
            }
            List<DeviceRef> all = new ArrayList<>();
            for (int id = low.numericId(); id <= high.numericId(); id++) {
                all.add(DeviceRef.of(type, Integer.toString(id)));
            }
            return all;
        }
        return List.of(DeviceRef.parse(token));
    }

    private static String shown(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cc}", "?");
    }
}
