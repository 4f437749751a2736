package org.syshotplug.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceRefTest {

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "memory", "node"})
    void negativeIdIsRefusedNamingIt(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of(type, "-1"));

        assertTrue(e.getMessage().contains("'-1'"), e.getMessage());
        assertTrue(e.getMessage().contains(type), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"cpu,three", "cpu,3a", "cpu,03", "cpu,0x3", "memory,twelve", "memory,1.5", "memory,' 12'"})
    void nonNumericCpuOrMemoryIdIsRefusedNamingIt(String type, String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of(type, id));

        assertTrue(e.getMessage().contains("'" + id + "'"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"cpu,1/2", "memory,../0", "acpi,ACPI0004:00/..", "drc,CPU/3", "pci,0000:00/1f", "drc,..", "node,.."})
    void slashOrDotDotInAnyIdIsRefusedNamingIt(String type, String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of(type, id));

        assertTrue(e.getMessage().contains(id), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "memory", "acpi", "drc", "pci"})
    void nulInAnIdIsRefusedAndShownEscaped(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of(type, "1\u0000"));

        assertTrue(e.getMessage().contains("1\\u0000"), e.getMessage());
        assertFalse(e.getMessage().contains("\u0000"), "the raw NUL never reaches a message");
    }

    @Test
    void nullOrEmptyIdIsRefusedNamingTheType() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of("cpu", ""));
        IllegalArgumentException nothing = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of("memory", null));

        assertTrue(empty.getMessage().contains("cpu"), empty.getMessage());
        assertTrue(nothing.getMessage().contains("memory"), nothing.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"CPU", "1cpu", "cpu/x", "c p u"})
    void invalidTypeIsRefusedNamingIt(String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of(type, "1"));

        assertTrue(e.getMessage().contains("'" + type + "'"), e.getMessage());
    }

    @Test
    void tooLongIdIsRefused() {
        String id = "a".repeat(129);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.of("pci", id));

        assertTrue(e.getMessage().contains("129"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"cpu,0", "cpu,4095", "memory,42", "acpi,ACPI0004:00", "acpi,device:1a", "container,\\_SB_.PC00",
            "drc,0x10000003", "drc,CPU 3", "cpu,*"})
    void validIdsAreAccepted(String type, String id) {
        DeviceRef ref = DeviceRef.of(type, id);

        assertEquals(type + ":" + id, ref.toString());
    }

    @Test
    void parseSplitsAtTheFirstColonOnly() {
        assertEquals(DeviceRef.of("acpi", "ACPI0004:00"), DeviceRef.parse("acpi:ACPI0004:00"));
    }

    @Test
    void parseWithoutTypeIsRefusedNamingTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("3"));

        assertTrue(e.getMessage().contains("'3'"), e.getMessage());
    }

    @Test
    void numericIdsSortNumericallyWithinAType() {
        List<DeviceRef> refs = new ArrayList<>(List.of(DeviceRef.cpu(10), DeviceRef.memory(1), DeviceRef.cpu(2)));

        Collections.sort(refs);

        assertEquals(List.of(DeviceRef.cpu(2), DeviceRef.cpu(10), DeviceRef.memory(1)), refs);
    }

    @Test
    void numericIdOfAWildcardIsRefused() {
        assertThrows(IllegalStateException.class, () -> DeviceRef.any("cpu").numericId());
    }
}
