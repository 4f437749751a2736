package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.syshotplug.fuzz.ClearErrors;

/**
 * {@code ibm,drc-info} sets whose element count would expand into billions of DRCs, found while
 * fuzzing the property decoders: refused when decoded, before anything is expanded.
 */
class DrcInfoFuzzFindingsTest {

    /** One set: type CPU, prefix "CPU ", then start, suffix, count, increment, power domain. */
    private static byte[] oneSet(long start, long count, long increment) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 5 + 20);
        b.putInt(1).put("CPU\0".getBytes()).put("CPU \0".getBytes());
        b.putInt((int) start).putInt(0).putInt((int) count).putInt((int) increment).putInt(-1);
        return b.array();
    }

    @Test
    void aSetWhoseLastIndexOverflowsTheCheckIsRefused() {
        // (count - 1) * increment is about 2^64: as a long it wraps negative and used to pass the range check.
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DrcTable.decodeInfo(oneSet(1, 0xFFFF_FFFFL, 0xFFFF_FFFFL)));

        ClearErrors.requireClear(e);
    }

    @Test
    void aSetOfFourBillionDrcsWithIncrementZeroIsRefusedBeforeExpansion() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DrcTable.decodeInfo(oneSet(0x1000_0000L, 0xFFFF_FFFFL, 0)));

        ClearErrors.requireClear(e);
    }
}
