package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.List;

/** Memory blocks for pure-logic tests. */
final class Blocks {

    static final long SIZE = 128L << 20;

    private Blocks() {
    }

    static MemoryBlock online(int id, String zone) {
        return new MemoryBlock(id, id, SIZE, MemoryBlock.ONLINE, true, List.of(zone), 0);
    }

    static MemoryBlock offline(int id) {
        return new MemoryBlock(id, id, SIZE, MemoryBlock.OFFLINE, true, List.of("Normal", "Movable"), 0);
    }

    /** Blocks first..last, online in Normal except the offline ids given. */
    static List<MemoryBlock> range(int first, int last, int... offline) {
        List<MemoryBlock> blocks = new ArrayList<>();
        for (int id = first; id <= last; id++) {
            int theId = id;
            boolean off = java.util.Arrays.stream(offline).anyMatch(o -> o == theId);
            blocks.add(off ? offline(id) : online(id, "Normal"));
        }
        return blocks;
    }
}
