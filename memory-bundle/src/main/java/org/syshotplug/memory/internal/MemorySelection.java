package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Chooses blocks the way chmem does: by size, by physical range, or by block numbers. */
final class MemorySelection {

    private static final Pattern BLOCK_ITEM = Pattern.compile("(0|[1-9][0-9]{0,8})(?:-(0|[1-9][0-9]{0,8}))?");
    private static final int MAX_BLOCKS = 1 << 20;

    private MemorySelection() {
    }

    /**
     * {@code size} bytes worth of blocks that would change: to bring up, offline blocks from the
     * lowest address up; to take down, online removable blocks from the highest address down.
     *
     * @throws IllegalArgumentException when fewer such blocks exist than the size needs
     */
    static List<MemoryBlock> bySize(List<MemoryBlock> blocks, long size, long blockSize, boolean bringUp) {
        long wanted = size / blockSize;
        List<MemoryBlock> candidates = new ArrayList<>();
        for (MemoryBlock b : blocks) {
            if (bringUp ? b.isOffline() : b.isOnline() && b.removable()) {
                candidates.add(b);
            }
        }
        candidates.sort((a, b) -> bringUp ? Long.compare(a.start(), b.start()) : Long.compare(b.start(), a.start()));
        if (candidates.size() < wanted) {
            throw new IllegalArgumentException("cannot " + (bringUp ? "enable" : "disable") + " "
                    + MemorySize.human(size) + ": it needs " + wanted + " " + (bringUp ? "offline" : "online removable")
                    + " blocks of " + MemorySize.human(blockSize) + " and only " + candidates.size() + " are");
        }
        return List.copyOf(candidates.subList(0, (int) wanted));
    }

    /** Every block lying wholly inside the range, lowest address first. */
    static List<MemoryBlock> byRange(List<MemoryBlock> blocks, PhysicalRange range) {
        List<MemoryBlock> inside = new ArrayList<>();
        for (MemoryBlock b : blocks) {
            if (range.contains(b)) {
                inside.add(b);
            }
        }
        if (inside.isEmpty()) {
            throw new IllegalArgumentException("no memory block lies in the range " + range + ": see hotplug:lsmem");
        }
        return inside;
    }

    /** Block numbers as {@code chmem -b} takes them: {@code 5}, {@code 5-10}, or a list {@code 1,3-5}. */
    static SortedSet<Integer> parseBlocks(String text) {
        String list = text == null ? "" : text.strip();
        SortedSet<Integer> ids = new TreeSet<>();
        for (String item : list.split(",", -1)) {
            Matcher m = BLOCK_ITEM.matcher(item.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("invalid memory block '" + MemorySize.printable(item)
                        + "': expected block numbers or ranges such as 32 or 32-39 (see hotplug:lsmem)");
            }
            int first = Integer.parseInt(m.group(1));
            int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
            if (last < first) {
                throw new IllegalArgumentException("invalid memory block range '" + item.strip() + "': the end is below the start");
            }
            if ((long) last - first + ids.size() >= MAX_BLOCKS) {
                throw new IllegalArgumentException("memory block list '" + MemorySize.printable(list) + "' names more than "
                        + MAX_BLOCKS + " blocks");
            }
            for (int id = first; id <= last; id++) {
                ids.add(id);
            }
        }
        return ids;
    }
}
