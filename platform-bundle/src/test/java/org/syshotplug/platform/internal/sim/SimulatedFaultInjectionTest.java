package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

class SimulatedFaultInjectionTest {

    private static final String ONLINE = "/sys/devices/system/cpu/cpu1/online";
    private final SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);

    @Test
    void onceFaultFailsOnlyTheNextAccess() throws Exception {
        machine.injectErrno(ONLINE, Errno.EIO, true);

        assertEquals(Errno.EIO, assertThrows(SystemFileException.class, () -> machine.write(ONLINE, "0")).errno());
        machine.write(ONLINE, "0");

        assertEquals("0", machine.readValue(ONLINE));
    }

    @Test
    void permanentFaultLastsUntilCleared() throws Exception {
        machine.injectErrno(ONLINE, Errno.EPERM, false);
        assertThrows(SystemFileException.class, () -> machine.read(ONLINE));
        assertThrows(SystemFileException.class, () -> machine.read(ONLINE));

        machine.clearFaults();

        assertEquals("1", machine.readValue(ONLINE));
    }

    @Test
    void faultOnTheRealPathAlsoHitsAccessThroughALink() {
        machine.injectErrno(ONLINE, Errno.EBUSY, false);
        assertEquals(Errno.EBUSY, assertThrows(SystemFileException.class,
                () -> machine.read("/sys/bus/acpi/devices/ACPI0007:01/physical_node/online")).errno());
    }

    @Test
    void delayedPathStillAnswers() throws Exception {
        machine.injectDelay(ONLINE, Duration.ofMillis(20));
        long start = System.nanoTime();

        assertEquals("1", machine.readValue(ONLINE));

        assertEquals(true, System.nanoTime() - start >= 20_000_000L);
    }
}
