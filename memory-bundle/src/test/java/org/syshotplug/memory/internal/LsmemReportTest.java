package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LsmemReportTest {

    @Test
    void adjacentBlocksWithTheSameStateMergeAndHolesSplit() {
        List<MemoryBlock> blocks = new ArrayList<>(Blocks.range(0, 3, 2));
        blocks.add(Blocks.online(8, "Normal"));

        List<LsmemReport.Range> ranges = LsmemReport.ranges(blocks,
                LsmemReport.defaultSplit(LsmemReport.DEFAULT_COLUMNS), false);

        assertEquals(List.of("0-1 online", "2-2 offline", "3-3 online", "8-8 online"), ranges.stream()
                .map(r -> r.firstBlock() + "-" + r.lastBlock() + " " + r.state()).toList());
    }

    @Test
    void zonesSplitOnlyWhenShownOrAsked() {
        List<MemoryBlock> blocks = List.of(Blocks.online(0, "DMA32"), Blocks.online(1, "Normal"));

        assertEquals(1, LsmemReport.ranges(blocks, LsmemReport.defaultSplit(LsmemReport.DEFAULT_COLUMNS), false).size());
        assertEquals(2, LsmemReport.ranges(blocks, LsmemReport.parseSplit("ZONES"), false).size());
    }

    @Test
    void summaryHasLsmemLabelsAndAlignment() {
        String summary = LsmemReport.summary(Blocks.range(0, 9, 9), Blocks.SIZE, false);

        assertEquals("Memory block size:       128M\n"
                + "Total online memory:     1.1G\n"
                + "Total offline memory:    128M\n", summary);
    }
}
