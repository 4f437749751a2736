package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MadtParserTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = MadtParserTest.class.getResourceAsStream("/fixtures/vm-linux/" + name)) {
            if (in == null) {
                throw new IOException("fixture " + name + " missing");
            }
            return in.readAllBytes();
        }
    }

    /** Expands a kernel cpu list such as {@code 0-3,6}. */
    static TreeSet<Long> cpuList(String list) {
        TreeSet<Long> out = new TreeSet<>();
        for (String part : list.strip().split(",")) {
            String[] range = part.split("-");
            long from = Long.parseLong(range[0]);
            long to = range.length > 1 ? Long.parseLong(range[1]) : from;
            for (long i = from; i <= to; i++) {
                out.add(i);
            }
        }
        return out;
    }

    @Test
    void capturedVmTableListsTheCpusTheKernelCallsPresent() throws IOException {
        Madt madt = MadtParser.parse(resource("APIC"));
        TreeSet<Long> present = cpuList(new String(resource("cpu-present")));

        List<CpuSlot> enabled = madt.enabledCpus();
        assertEquals(present.size(), enabled.size());
        assertEquals(present, enabled.stream().map(CpuSlot::apicId).collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(72, madt.length());
        assertEquals("FIRECK", madt.oemId());
        assertTrue(madt.checksumValid());
        assertEquals(1, madt.ioApics().size());
        assertEquals(0xFEC0_0000L, madt.ioApics().get(0).address());
        assertEquals(0xFEE0_0000L, madt.localApicAddress());
        assertTrue(madt.hotPluggableCpus().isEmpty());
    }

    @Test
    void generatedTableWithX2ApicAndOnlineCapableEntriesListsHotPluggableSlots() {
        byte[] table = new MadtBuilder().revision(5)
                .localApic(0, 0, MadtEntry.ENABLED)
                .localApic(1, 1, MadtEntry.ONLINE_CAPABLE)
                .localApic(2, 2, 0)
                .x2Apic(300, MadtEntry.ENABLED, 3)
                .x2Apic(301, MadtEntry.ONLINE_CAPABLE, 4)
                .ioApic(2, 0xFEC0_0000L, 0)
                .override(0, 2, 0)
                .localApicNmi(0xFF, 5, 1)
                .x2ApicNmi(5, 0xFFFF_FFFFL, 1)
                .build();

        Madt madt = MadtParser.parse(table);

        assertEquals(9, madt.entries().size());
        assertTrue(madt.checksumValid());
        assertEquals(List.of(0L, 300L), madt.enabledCpus().stream().map(CpuSlot::apicId).toList());
        assertEquals(List.of(1L, 301L), madt.hotPluggableCpus().stream().map(CpuSlot::apicId).toList());
        CpuSlot disabled = madt.cpuSlots().get(2);
        assertEquals("unusable", disabled.state());
        CpuSlot x2 = madt.cpuSlots().get(4);
        assertTrue(x2.x2Apic());
        assertEquals(4, x2.processorUid());
        assertEquals("hot-pluggable", x2.state());
        MadtEntry.InterruptSourceOverride iso = assertInstanceOf(MadtEntry.InterruptSourceOverride.class,
                madt.entries().get(6));
        assertEquals(2, iso.gsi());
        MadtEntry.LocalApicNmi nmi = assertInstanceOf(MadtEntry.LocalApicNmi.class, madt.entries().get(7));
        assertEquals(1, nmi.lint());
        assertEquals(5, nmi.flags());
    }

    @Test
    void beforeRevisionFiveEveryDisabledEntryIsAHotPlugSlot() {
        byte[] table = new MadtBuilder().revision(3).localApic(0, 0, MadtEntry.ENABLED).localApic(1, 1, 0).build();

        Madt madt = MadtParser.parse(table);

        assertEquals(List.of(1L), madt.hotPluggableCpus().stream().map(CpuSlot::apicId).toList());
        assertFalse(madt.cpuSlots().get(1).onlineCapable());
    }

    @Test
    void invalidApicIdsAreNotCpuSlots() {
        byte[] table = new MadtBuilder().localApic(0, 0, 1).localApic(1, 0xFF, 1).x2Apic(0xFFFF_FFFFL, 1, 2).build();

        assertEquals(1, MadtParser.parse(table).cpuSlots().size());
    }

    @Test
    void unknownSubtableTypesAreKeptUndecoded() {
        byte[] table = new MadtBuilder().localApic(0, 0, 1).raw(0x7F, 4, 0xAA, 0xBB).build();

        Madt madt = MadtParser.parse(table);

        assertEquals(new MadtEntry.Other(52, 0x7F, 4), madt.entries().get(1));
    }

    @Test
    void checksumMismatchIsReportedNotRefused() {
        Madt madt = MadtParser.parse(new MadtBuilder().localApic(0, 0, 1).wrongChecksum().build());

        assertFalse(madt.checksumValid());
        assertEquals(1, madt.checksumSum());
        assertEquals(1, madt.cpuSlots().size());
    }

    @Test
    void truncatedTableIsRefusedNamingTheOffset() throws IOException {
        byte[] full = resource("APIC");
        byte[] cut = Arrays.copyOf(full, 60);

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(cut));

        assertEquals(60, e.offset());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("72"), e.getMessage());
    }

    @Test
    void tableShorterThanItsHeaderIsRefused() {
        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(new byte[20]));

        assertEquals(20, e.offset());
    }

    @Test
    void lengthFieldSmallerThanTheHeaderIsRefused() {
        byte[] table = new MadtBuilder().localApic(0, 0, 1).build();
        MadtBuilder.put32(table, 4, 30);

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertEquals(4, e.offset());
    }

    @Test
    void subtableClaimingBytesPastTheTableEndIsRefused() {
        // A Local APIC entry whose length byte says 40: it would run past the 52-byte table.
        byte[] table = new MadtBuilder().raw(0, 40, 0, 0, 1, 0, 0, 0).build();

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertEquals(44, e.offset());
        assertTrue(e.getMessage().contains("ends at offset 52"), e.getMessage());
    }

    @Test
    void lengthFieldShorterThanTheDataIsObeyed() throws IOException {
        // The captured table is I/O APIC at 44, Local APICs at 56 and 64. With a length field of 64 the
        // entry at 64 lies outside the table and must not be decoded.
        byte[] table = resource("APIC").clone();
        MadtBuilder.put32(table, 4, 64);

        Madt madt = MadtParser.parse(table);

        assertEquals(2, madt.entries().size());
        assertEquals(8, madt.trailingBytes());
    }

    @Test
    void lyingLengthFieldThatCutsAnEntryIsRefused() throws IOException {
        // A length of 60 ends the table inside the Local APIC entry at 56.
        byte[] table = resource("APIC").clone();
        MadtBuilder.put32(table, 4, 60);

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertEquals(56, e.offset());
        assertTrue(e.getMessage().contains("ends at offset 60"), e.getMessage());
    }

    @Test
    void trailingBytesBeyondTheTableLengthAreNeverDecoded() {
        byte[] table = new MadtBuilder().localApic(0, 0, 1).build();
        byte[] longer = Arrays.copyOf(table, table.length + 8);
        longer[table.length] = 0;
        longer[table.length + 1] = 8;

        Madt madt = MadtParser.parse(longer);

        assertEquals(1, madt.entries().size());
        assertEquals(8, madt.trailingBytes());
        assertTrue(madt.checksumValid());
    }

    @Test
    void subtableWithZeroLengthIsRefusedInsteadOfLoopingForever() {
        byte[] table = new MadtBuilder().raw(0, 0, 0, 0).build();

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertEquals(44, e.offset());
    }

    @Test
    void localApicEntryShorterThanEightBytesIsRefused() {
        byte[] table = new MadtBuilder().raw(0, 6, 0, 0, 1, 0).build();

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertTrue(e.getMessage().contains("requires 8"), e.getMessage());
    }

    @Test
    void subtableHeaderCutOffAtTheEndIsRefused() {
        byte[] table = new MadtBuilder().localApic(0, 0, 1).raw(0).build();

        MadtFormatException e = assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));

        assertEquals(52, e.offset());
    }

    @Test
    void wrongSignatureIsRefused() {
        byte[] table = new MadtBuilder().build();
        table[0] = 'F';

        assertThrows(MadtFormatException.class, () -> MadtParser.parse(table));
    }
}
