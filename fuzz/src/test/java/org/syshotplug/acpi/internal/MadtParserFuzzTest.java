package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;

/**
 * The MADT parser on arbitrary bytes (what {@code /sys/firmware/acpi/tables/APIC} could hold on
 * broken firmware): a table parses or is refused with {@link MadtFormatException} naming an offset
 * inside the data. A parsed table's subtables tile its body exactly, and the CPU views derived
 * from it never fail.
 */
class MadtParserFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void tablesParseWithSubtablesTilingTheBodyOrAreRefused(byte[] table) {
        Madt madt;
        try {
            madt = MadtParser.parse(table);
        } catch (MadtFormatException e) {
            ClearErrors.requireClear(e);
            assertTrue(e.offset() >= 0 && e.offset() <= table.length, () -> "offset " + e.offset() + " of " + table.length);
            return;
        }
        int next = MadtParser.FIXED_LENGTH;
        for (MadtEntry entry : madt.entries()) {
            assertEquals(next, entry.offset(), () -> "subtable at " + entry.offset());
            assertTrue(entry.length() >= 2, () -> "subtable length " + entry.length());
            next += entry.length();
        }
        assertEquals(madt.length(), next, "subtables end where the table ends");
        assertEquals(table.length - madt.length(), madt.trailingBytes());
        assertEquals(madt.checksumSum() == 0, madt.checksumValid());
        madt.cpuSlots();
        madt.enabledCpus();
        madt.hotPluggableCpus();
        madt.ioApics();
        for (String s : new String[] {madt.oemId(), madt.oemTableId(), madt.creatorId()}) {
            assertTrue(s.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), () -> "OEM field '" + s + "' is not printable");
        }
    }
}
