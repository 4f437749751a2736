package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

class SimulatedHostilePathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/sys/devices/system/cpu/cpu1/../cpu2/online", "/sys/../etc/passwd", "../online",
            "cpu1/online", "/etc/passwd", "/sys/devices/system/cpu/cpu1/online\0", "/sys//devices", ""})
    void hostilePathIsRefusedBeforeAnyAccess(String hostile) throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        // An armed once-fault would be consumed by any access that got as far as the tree.
        machine.injectErrno("/sys/devices/system/cpu/cpu2/online", Errno.EIO, true);

        assertThrows(IllegalArgumentException.class, () -> machine.read(hostile));
        assertThrows(IllegalArgumentException.class, () -> machine.write(hostile, "0"));
        assertThrows(IllegalArgumentException.class, () -> machine.list(hostile));
        assertThrows(IllegalArgumentException.class, () -> machine.readLink(hostile));
        assertThrows(IllegalArgumentException.class, () -> machine.exists(hostile));

        assertEquals("1", machine.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals(Errno.EIO, assertThrows(SystemFileException.class,
                () -> machine.read("/sys/devices/system/cpu/cpu2/online")).errno());
    }
}
