package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CpuListTest {

    @Test
    void parsesKernelMaskWithRangesAndSingles() {
        assertEquals(Set.of(0, 1, 2, 3, 6), CpuList.parse("0-3,6\n"));
    }

    @Test
    void maskAsBitsHoldsTheSameCpusUpToTheLastAllowed() {
        BitSet mask = CpuList.parseMask("0-3,6,8191\n");

        assertEquals("{0, 1, 2, 3, 6, 8191}", mask.toString());
        assertTrue(CpuList.parseMask("\n").isEmpty());
    }

    @Test
    void emptyMaskIsEmptySet() {
        assertTrue(CpuList.parse("\n").isEmpty());
    }

    @Test
    void formatsConsecutiveRunsAsRanges() {
        assertEquals("1,3-5,8", CpuList.format(List.of(5, 1, 3, 4, 8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1;rm", "1;rm -rf /", "../1", "5-3", "a", "1,,2", "01", "99999"})
    void hostileListsAreRefusedNamingTheToken(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuList.parse(text));
        IllegalArgumentException asMask = assertThrows(IllegalArgumentException.class, () -> CpuList.parseMask(text));

        assertTrue(e.getMessage().contains("CPU"), e.getMessage());
        assertEquals(e.getMessage(), asMask.getMessage(), "a mask is refused the way a list is");
    }
}
