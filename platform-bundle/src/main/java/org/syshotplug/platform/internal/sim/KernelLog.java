package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel log of a simulated machine: the lines the real kernel prints for the hot-plug steps the
 * simulator models ({@code CPU1 has been hot-added}, {@code smpboot: CPU 1 is now offline},
 * {@code memory memory33: Offline failed.} ...), without timestamps, as {@code dmesg} shows them.
 * Every tree has one ({@link SysfsTree#kernelLog()}); it is written under the tree lock.
 */
public final class KernelLog {

    private final List<String> lines = new ArrayList<>();

    public synchronized void print(String line) {
        lines.add(line);
    }

    /** The lines since the last call, oldest first ({@code dmesg -c}). */
    public synchronized List<String> take() {
        List<String> out = List.copyOf(lines);
        lines.clear();
        return out;
    }
}
