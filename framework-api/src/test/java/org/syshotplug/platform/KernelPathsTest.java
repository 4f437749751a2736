package org.syshotplug.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelPathsTest {

    @ParameterizedTest
    @ValueSource(strings = {"/sys/devices/system/cpu/../../../etc/shadow", "/sys/devices/system/cpu/cpu1/..",
            "/sys/./devices", "/sys//devices", "/proc/../etc/passwd"})
    void requireSafeRefusesDotDotDotAndEmptyComponents(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelPaths.requireSafe(path));

        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sys/devices/system/cpu", "devices/system/cpu/cpu1/online", "../sys/kernel/dlpar",
            "/etc/passwd", "/system", "/sysfoo/x"})
    void requireSafeRefusesRelativePathsAndPathsOutsideSysAndProc(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelPaths.requireSafe(path));

        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @Test
    void requireSafeRefusesNulAndNeverEchoesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelPaths.requireSafe("/sys/devices/system/cpu/cpu1/online\u0000/../x"));

        assertTrue(e.getMessage().contains("NUL"), e.getMessage());
        assertFalse(e.getMessage().contains("\u0000"));
    }

    @Test
    void requireSafeRefusesEmptyAndNull() {
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.requireSafe(""));
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.requireSafe(null));
    }

    @Test
    void requireSafeAcceptsPlainKernelPaths() {
        String path = "/sys/devices/system/cpu/cpu1/hotplug/fail";

        assertEquals(path, KernelPaths.requireSafe(path));
        assertEquals("/proc/device-tree/ibm,lmb-size", KernelPaths.requireSafe("/proc/device-tree/ibm,lmb-size"));
    }

    @Test
    void builtPathsComeOnlyFromValidatedParts() {
        assertEquals("/sys/devices/system/cpu/cpu1/online", KernelPaths.cpu(1, "online"));
        assertEquals("/sys/devices/system/memory/memory12/state", KernelPaths.memoryBlock(12, "state"));
        assertEquals("/sys/bus/acpi/devices/ACPI0004:00", KernelPaths.acpiDevice("ACPI0004:00"));
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.cpu(-1));
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.cpu(1, "../../online"));
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.acpiDevice("../ACPI0004:00"));
        assertThrows(IllegalArgumentException.class, () -> KernelPaths.child("/sys/kernel", ".."));
    }
}
