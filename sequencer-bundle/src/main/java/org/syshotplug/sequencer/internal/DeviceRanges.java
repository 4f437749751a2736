package org.syshotplug.sequencer.internal;

import java.util.List;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugResult;

/**
 * Device lists for people: runs of consecutive numeric ids of one type print as a range
 * ({@code cpu:1-999}), and a list with very many runs is cut, so one log line about a request over
 * thousands of devices stays short.
 */
final class DeviceRanges {

    /** Runs printed before the rest is summed up as a count. */
    static final int MAX_RUNS = 32;

    private DeviceRanges() {
    }

    /** {@code [cpu:1-999, memory:4]}, in list order. */
    static String of(List<DeviceRef> devices) {
        StringBuilder b = new StringBuilder("[");
        int runs = 0;
        int i = 0;
        int n = devices.size();
        while (i < n) {
            DeviceRef first = devices.get(i);
            int j = i + 1;
            if (first.isNumeric()) {
                int expect = first.numericId() + 1;
                while (j < n && next(devices.get(j), first.type(), expect)) {
                    j++;
                    expect++;
                }
            }
            if (runs == MAX_RUNS) {
                b.append(", ... ").append(n - i).append(" more");
                break;
            }
            if (runs > 0) {
                b.append(", ");
            }
            b.append(first);
            if (j - i > 1) {
                b.append('-').append(devices.get(j - 1).id());
            }
            runs++;
            i = j;
        }
        return b.append(']').toString();
    }

    private static boolean next(DeviceRef d, String type, int expect) {
        return d.type().equals(type) && d.isNumeric() && d.numericId() == expect;
    }

    /** {@link HotplugResult#summary()} with the devices as ranges. */
    static String summary(HotplugResult r) {
        StringBuilder b = new StringBuilder()
                .append(r.request().id()).append(' ').append(r.outcome()).append(": ")
                .append(r.request().operation().word()).append(' ')
                .append(of(r.devices().isEmpty() ? r.request().targets() : r.devices()));
        if (r.error() != null) {
            b.append(" - ").append(r.error());
        }
        return b.toString();
    }
}
