package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.SortedSet;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;

/**
 * chmem's arguments on arbitrary text: sizes ({@code 2G}), physical ranges
 * ({@code 0x100000000-0x17fffffff}), block lists ({@code 32-39,41}) and zone words. The first
 * byte picks the parser and the block size (128 MiB as on x86, 256 MiB as on POWER, 2 GiB as on
 * large x86 machines). Each parses to a value that honours its contract or is refused with an
 * {@link IllegalArgumentException}.
 */
class MemoryArgumentsFuzzTest {

    private static final long[] BLOCK_SIZES = {128L << 20, 256L << 20, 2L << 30};

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    @DictionaryEntries({"0x", "-0x", "K", "M", "G", "T", "ffffffffffffffff", "9223372036854775807", ",", "-",
            "online_movable", "Movable"})
    void sizesRangesBlocksAndZonesParseWithinContractOrAreRefused(byte[] data) {
        int choice = FuzzInput.choice(data, 4 * BLOCK_SIZES.length);
        long blockSize = BLOCK_SIZES[choice / 4];
        String text = FuzzInput.text(FuzzInput.rest(data));
        try {
            switch (choice % 4) {
                case 0 -> {
                    long size = MemorySize.parse(text, blockSize);
                    assertTrue(size > 0 && size % blockSize == 0, () -> "size " + size);
                    String human = MemorySize.human(size);
                    assertTrue(human.matches("[0-9]+(\\.[0-9])?[BKMGTPE]"), () -> "human form " + human);
                }
                case 1 -> {
                    PhysicalRange range = PhysicalRange.parse(text, blockSize);
                    assertTrue(Long.compareUnsigned(range.start(), range.end()) <= 0, () -> "range " + range);
                    assertEquals(range, PhysicalRange.parse(range.toString(), blockSize));
                }
                case 2 -> {
                    SortedSet<Integer> blocks = MemorySelection.parseBlocks(text);
                    assertTrue(!blocks.isEmpty() && blocks.first() >= 0, () -> "blocks " + blocks);
                }
                default -> OnlineZone.parse(text);
            }
        } catch (IllegalArgumentException e) {
            ClearErrors.requireClear(e);
        }
    }
}
