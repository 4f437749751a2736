package org.syshotplug.memory.internal;

import java.util.List;

/**
 * One memory block as sysfs shows it (Documentation/admin-guide/mm/memory-hotplug.rst).
 *
 * @param state      {@code online}, {@code offline} or {@code going-offline}
 * @param validZones for an online block the zone it is in; for an offline block the zones it may be
 *                   onlined to ({@code none} when it spans zones)
 * @param node       the NUMA node, or null when sysfs links none
 */
record MemoryBlock(int id, long physIndex, long blockSize, String state, boolean removable,
        List<String> validZones, Integer node) {

    static final String ONLINE = "online";
    static final String OFFLINE = "offline";
    static final String MOVABLE_ZONE = "Movable";

    MemoryBlock {
        validZones = List.copyOf(validZones);
    }

    long start() {
        return physIndex * blockSize;
    }

    /** The last byte of the block (inclusive, as lsmem prints ranges). */
    long end() {
        return start() + blockSize - 1;
    }

    boolean isOnline() {
        return ONLINE.equals(state);
    }

    boolean isOffline() {
        return OFFLINE.equals(state);
    }

    /** Online in ZONE_MOVABLE: only then can the kernel promise to empty it (the movable-only rule). */
    boolean inMovableZone() {
        return isOnline() && validZones.equals(List.of(MOVABLE_ZONE));
    }
}
