package org.syshotplug.rtas.internal.dlpar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.syshotplug.rtas.internal.devicetree.MalformedDataException;

class HotplugErrorLogTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final List<DlparCommand> SHAPES = List.of(
            DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000002L),
            DlparCommand.byIndex(DlparResource.MEMORY, DlparAction.REMOVE, 0x80000008L),
            DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 4),
            DlparCommand.byIndexedCount(DlparResource.MEMORY, DlparAction.ADD, 2, 0x8000000aL),
            DlparCommand.byIndexedCount(DlparResource.PMEM, DlparAction.REMOVE, 1, 0x90000000L),
            DlparCommand.byName(DlparResource.CPU, DlparAction.REMOVE, "CPU 3"),
            DlparCommand.byName(DlparResource.SLOT, DlparAction.ADD, "U8286.42A.21C9ABW-V1-C3"),
            DlparCommand.byIndex(DlparResource.PHB, DlparAction.ADD, 0x20000001L),
            DlparCommand.byIndex(DlparResource.DT, DlparAction.REMOVE, 0xFFFFFFFFL));

    @Test
    void indexIsStoredBigEndianAtOffsetFour() {
        byte[] body = HotplugErrorLog.encodeBody(DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000002L));
        assertEquals("010102001000000200000000", HEX.formatHex(body));
    }

    @Test
    void indexedCountStoresCountFirstThenIndex() {
        byte[] body = HotplugErrorLog.encodeBody(
                DlparCommand.byIndexedCount(DlparResource.MEMORY, DlparAction.ADD, 2, 0x8000000aL));
        assertEquals("02010400000000028000000a", HEX.formatHex(body));
    }

    @Test
    void sectionHeaderCarriesHpIdAndTotalLength() {
        byte[] section = HotplugErrorLog.encodeSection(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.REMOVE, 2));
        assertEquals("48500014010000000202030000000002" + "00000000", HEX.formatHex(section));
    }

    @Test
    void eventLogHasQemusLayoutAndSize() {
        byte[] log = HotplugErrorLog.encodeEventLog(DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000002L));
        assertEquals(8 + 108, log.length, "fixed header + QEMU's 108-byte extended log");
        assertEquals("063460e50000006c", HEX.formatHex(log, 0, 8));
        assertEquals("49424d00", HEX.formatHex(log, 20, 24), "company id IBM");
    }

    @Test
    void everyShapeRoundTripsInEveryWrapping() {
        for (DlparCommand c : SHAPES) {
            assertEquals(c, HotplugErrorLog.decode(HotplugErrorLog.encodeBody(c)), "body " + c);
            assertEquals(c, HotplugErrorLog.decode(HotplugErrorLog.encodeSection(c)), "section " + c);
            assertEquals(c, HotplugErrorLog.decode(HotplugErrorLog.encodeEventLog(c)), "event log " + c);
            assertArrayEquals(HotplugErrorLog.encodeBody(c),
                    HotplugErrorLog.encodeBody(HotplugErrorLog.decode(HotplugErrorLog.encodeBody(c))));
        }
    }

    @Test
    void errorLogAndSysfsStringMeetInTheSameRequest() {
        DlparCommand fromString = DlparGrammar.extended().parse("cpu remove drc-name \"CPU 3\"");
        DlparCommand fromLog = HotplugErrorLog.decode(HotplugErrorLog.encodeSection(fromString));
        assertEquals(fromString.toRequest().targets(), fromLog.toRequest().targets());
        assertEquals(fromString.toRequest().parameters(), fromLog.toRequest().parameters());
        assertEquals(fromLog, DlparCommand.fromRequest(fromLog.toRequest()));
    }

    @Test
    void drcNameIsNulTerminatedAndPaddedToCells() {
        byte[] body = HotplugErrorLog.encodeBody(DlparCommand.byName(DlparResource.CPU, DlparAction.REMOVE, "CPU 3"));
        assertEquals("01020100" + "43505520330000" + "00", HEX.formatHex(body));
    }

    @Test
    void truncatedIndexIsRefusedNamingTheOffset() {
        byte[] body = Arrays.copyOf(HotplugErrorLog.encodeBody(
                DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000002L)), 6);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(body));
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("needs a 32-bit cell but only 2 of 6 bytes remain"), e.getMessage());
    }

    @Test
    void indexedCountNeedsTwelveBytes() {
        byte[] body = Arrays.copyOf(HotplugErrorLog.encodeBody(
                DlparCommand.byIndexedCount(DlparResource.MEMORY, DlparAction.ADD, 2, 0x8000000aL)), 11);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(body));
        assertEquals(8, e.offset());
    }

    @Test
    void unknownCodesAreRefusedNamingTheirByte() {
        assertEquals(0, assertThrows(MalformedDataException.class,
                () -> HotplugErrorLog.decode(HEX.parseHex("090102000000000100000000"))).offset());
        assertEquals(1, assertThrows(MalformedDataException.class,
                () -> HotplugErrorLog.decode(HEX.parseHex("010302000000000100000000"))).offset());
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> HotplugErrorLog.decode(HEX.parseHex("010105000000000100000000")));
        assertEquals(2, e.offset());
        assertTrue(e.getMessage().contains("unknown id type 5"), e.getMessage());
    }

    @Test
    void unterminatedNameNeverReadsPastTheSection() {
        byte[] section = HotplugErrorLog.encodeSection(DlparCommand.byName(DlparResource.CPU, DlparAction.REMOVE, "CPU 3"));
        // Shrink the section to end right after "CPU 3": the NUL lies outside the section now.
        section[3] = (byte) (8 + 4 + 5);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(section));
        assertTrue(e.getMessage().contains("not NUL-terminated"), e.getMessage());
    }

    @Test
    void sectionLongerThanTheDataIsRefused() {
        byte[] section = HotplugErrorLog.encodeSection(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 1));
        section[3] = 40;
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(section));
        assertEquals(2, e.offset());
    }

    @Test
    void eventLogWithoutHotplugSectionIsRefused() {
        byte[] log = HotplugErrorLog.encodeEventLog(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 1));
        log[log.length - 20] = 'E';
        log[log.length - 19] = 'P';
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(log));
        assertTrue(e.getMessage().contains("no hot-plug (\"HP\") section"), e.getMessage());
    }

    @Test
    void eventLogLengthBeyondTheBufferIsRefused() {
        byte[] log = HotplugErrorLog.encodeEventLog(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 1));
        byte[] cut = Arrays.copyOf(log, 60);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> HotplugErrorLog.decode(cut));
        assertEquals(8, e.offset());
    }
}
