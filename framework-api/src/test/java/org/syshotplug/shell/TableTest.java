package org.syshotplug.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;

class TableTest {

    private final Table table = new Table("cpu", "cpuhp.state", "online", "zones").right(0, 1)
            .row(1, 236, true, "Normal Movable")
            .row(12, null, false, "");

    @Test
    void alignedHasOneSpellingOfHeadingsAndRightAlignedNumbers() {
        assertEquals("""
                CPU  CPUHP-STATE  ONLINE  ZONES
                  1          236  yes     Normal Movable
                 12            -  no
                """, table.toString());
    }

    @Test
    void rawWithoutHeadingsIsOneSpaceApartLikeLsmemR() {
        assertEquals("1 236 yes Normal\\x20Movable\n12  no \n", table.render(true, true));
    }

    @Test
    void delimitedLikeLsslotF() {
        assertEquals("1:236:yes:Normal Movable\n12::no:\n", table.render(":", false));
    }

    @Test
    void recordsKeepTheCellTypesForJson() {
        assertEquals(Map.of("cpu", 1, "cpuhp-state", 236, "online", true, "zones", "Normal Movable"), table.records().get(0));
    }

    @Test
    void aRowOfTheWrongWidthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> table.row(1, 2));
    }

    @Test
    void devicesFoldIntoRangesAndRangesUnfold() {
        List<DeviceRef> cpus = DeviceRanges.parse("cpu:1-3");

        assertEquals(List.of(DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3)), cpus);
        assertEquals("cpu:1-3,cpu:7,memory:100-101", DeviceRanges.summarise(List.of(DeviceRef.memory(101), DeviceRef.cpu(7),
                DeviceRef.cpu(2), DeviceRef.cpu(1), DeviceRef.cpu(3), DeviceRef.memory(100))));
        assertThrows(IllegalArgumentException.class, () -> DeviceRanges.parse("cpu:3-1"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRanges.parse("cpu:0-99999"));
    }
}
