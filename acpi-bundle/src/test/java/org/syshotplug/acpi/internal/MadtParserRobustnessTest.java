package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Damaged tables, seeded so a failure repeats: every outcome is either a decoded table or a
 * {@link MadtFormatException}, never another exception from reading past an array.
 */
class MadtParserRobustnessTest {

    static List<byte[]> seeds() throws Exception {
        List<byte[]> out = new ArrayList<>();
        out.add(MadtParserTest.resource("APIC"));
        out.add(new MadtBuilder().localApic(0, 0, 1).localApic(1, 1, 2).x2Apic(300, 2, 7).ioApic(0, 0xFEC0_0000L, 0)
                .override(0, 2, 0).localApicNmi(0xFF, 5, 1).x2ApicNmi(5, 0xFFFF_FFFFL, 1).build());
        return out;
    }

    @Test
    void everyTruncationIsDecodedOrRefusedCleanly() throws Exception {
        for (byte[] table : seeds()) {
            for (int n = 0; n <= table.length; n++) {
                parseOrRefuse(Arrays.copyOf(table, n), "truncated to " + n);
            }
        }
    }

    @Test
    void randomByteDamageIsDecodedOrRefusedCleanly() throws Exception {
        Random random = new Random(20261125L);
        int refused = 0;
        for (byte[] table : seeds()) {
            for (int round = 0; round < 20_000; round++) {
                byte[] damaged = table.clone();
                int hits = 1 + random.nextInt(4);
                for (int i = 0; i < hits; i++) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                if (!parseOrRefuse(damaged, "round " + round + " " + Arrays.toString(damaged))) {
                    refused++;
                }
            }
        }
        assertTrue(refused > 0, "the damage never hit a length field: the test is not exercising refusals");
    }

    /** @return true if decoded, false if refused */
    private static boolean parseOrRefuse(byte[] data, String what) {
        try {
            Madt madt = MadtParser.parse(data);
            assertTrue(madt.length() <= data.length, what);
            return true;
        } catch (MadtFormatException e) {
            assertTrue(e.offset() >= 0 && e.offset() <= data.length, what + ": offset " + e.offset());
            return false;
        } catch (RuntimeException e) {
            fail(what + ": " + e, e);
            return false;
        }
    }
}
