package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OnlineZoneTest {

    @Test
    void kernelWordsAndChmemZoneNamesParse() {
        assertEquals(OnlineZone.MOVABLE, OnlineZone.parse("online_movable"));
        assertEquals(OnlineZone.MOVABLE, OnlineZone.parse("Movable"));
        assertEquals(OnlineZone.KERNEL, OnlineZone.parse("Normal"));
        assertEquals(OnlineZone.ONLINE, OnlineZone.parse("online"));
    }

    @Test
    void unknownZoneIsRefusedNamingTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnlineZone.parse("offline"));
        assertTrue(e.getMessage().contains("online_movable"), e.getMessage());
    }

    @Test
    void movableNeedsMovableAmongTheValidZones() {
        assertTrue(OnlineZone.MOVABLE.allowedBy(List.of("Normal", "Movable")));
        assertFalse(OnlineZone.MOVABLE.allowedBy(List.of("DMA32")));
        assertFalse(OnlineZone.KERNEL.allowedBy(List.of("Movable")));
    }

    @Test
    void offlinedBlockIsPutBackIntoTheZoneItCameFrom() {
        assertEquals(OnlineZone.MOVABLE, OnlineZone.restoring(Blocks.online(5, "Movable")));
        assertEquals(OnlineZone.KERNEL, OnlineZone.restoring(Blocks.online(5, "Normal")));
    }
}
