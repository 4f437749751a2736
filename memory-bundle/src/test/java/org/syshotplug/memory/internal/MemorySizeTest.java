package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {

    private static final long BLOCK = 128L << 20;

    @ParameterizedTest
    @CsvSource({"2G, 2147483648", "128M, 134217728", "256m, 268435456", "1T, 1099511627776", "131072K, 134217728",
            "134217728, 134217728"})
    void parsesBinarySuffixes(String token, long bytes) {
        assertEquals(bytes, MemorySize.parse(token, BLOCK));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1G", "1Q", "", "1.5G", "2 G", "0x80000000", "1G;rm", "../../x"})
    void malformedSizesAreRefusedNamingTokenAndWhatIsAllowed(String token) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(token, BLOCK));
        assertTrue(e.getMessage().contains("'" + token.strip() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("K, M, G or T"), e.getMessage());
    }

    @Test
    void zeroIsRefusedAsNotPositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("0", BLOCK));
        assertTrue(e.getMessage().contains("'0'") && e.getMessage().contains("positive"), e.getMessage());
    }

    @Test
    void sizeThatIsNotAMultipleOfTheBlockSizeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("100M", BLOCK));
        assertTrue(e.getMessage().contains("multiple of the memory block size 128M"), e.getMessage());
    }

    @Test
    void hugeSizeIsRefusedNotWrapped() {
        assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("99999999999T", BLOCK));
    }

    @ParameterizedTest
    @CsvSource({"0, 0B", "134217728, 128M", "3221225472, 3G", "3087007744, 2.9G", "22548578304, 21G",
            "25769803776, 24G", "1536, 1.5K", "1023, 1023B", "2147483647, 2G"})
    void humanSizesMatchLsmem(long bytes, String text) {
        assertEquals(text, MemorySize.human(bytes));
    }
}
