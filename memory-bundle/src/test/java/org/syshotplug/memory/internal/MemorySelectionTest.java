package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySelectionTest {

    private static List<Integer> ids(List<MemoryBlock> blocks) {
        return blocks.stream().map(MemoryBlock::id).toList();
    }

    @Test
    void enableBySizePicksOfflineBlocksFromTheLowestAddressUp() {
        List<MemoryBlock> blocks = Blocks.range(0, 9, 3, 5, 7, 8);

        List<MemoryBlock> chosen = MemorySelection.bySize(blocks, 3 * Blocks.SIZE, Blocks.SIZE, true);

        assertEquals(List.of(3, 5, 7), ids(chosen));
    }

    @Test
    void disableBySizePicksOnlineBlocksFromTheHighestAddressDown() {
        List<MemoryBlock> blocks = Blocks.range(0, 9, 8);

        List<MemoryBlock> chosen = MemorySelection.bySize(blocks, 2 * Blocks.SIZE, Blocks.SIZE, false);

        assertEquals(List.of(9, 7), ids(chosen));
    }

    @Test
    void sizeLargerThanTheCandidatesIsRefusedWithCounts() {
        List<MemoryBlock> blocks = Blocks.range(0, 3, 2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemorySelection.bySize(blocks, 2 * Blocks.SIZE, Blocks.SIZE, true));

        assertTrue(e.getMessage().contains("needs 2 offline blocks") && e.getMessage().contains("only 1"), e.getMessage());
    }

    @Test
    void rangePicksEveryBlockWhollyInside() {
        List<MemoryBlock> blocks = Blocks.range(0, 9);
        PhysicalRange range = PhysicalRange.parse("0x0000000010000000-0x000000001fffffff", Blocks.SIZE);

        assertEquals(List.of(2, 3), ids(MemorySelection.byRange(blocks, range)));
    }

    @Test
    void rangeWithNoBlockIsRefused() {
        PhysicalRange range = PhysicalRange.parse("0x100000000-0x107ffffff", Blocks.SIZE);

        assertThrows(IllegalArgumentException.class, () -> MemorySelection.byRange(Blocks.range(0, 9), range));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x0-0x1000", "0x1000-0x8000fff", "0x10000000-0x0", "1G", "0x-0x7ffffff", "../../x",
            "0x0-0x7ffffff;rm"})
    void misalignedOrMalformedRangesAreRefused(String token) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PhysicalRange.parse(token, Blocks.SIZE));
        assertTrue(e.getMessage().contains("range"), e.getMessage());
    }

    @Test
    void blockListsTakeSinglesAndRanges() {
        assertEquals(Set.of(1, 3, 4, 5), MemorySelection.parseBlocks("1,3-5"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "../../x", "5-3", "1;rm", "", "0-99999999"})
    void hostileBlockListsAreRefused(String token) {
        assertThrows(IllegalArgumentException.class, () -> MemorySelection.parseBlocks(token));
    }
}
