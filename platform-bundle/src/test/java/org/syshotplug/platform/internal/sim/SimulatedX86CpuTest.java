package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

class SimulatedX86CpuTest {

    private final SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 16);

    private Errno errnoOf(SystemFileException e) {
        return e.errno();
    }

    @Test
    void masksStartWithEveryCpuPresentAndOnline() throws Exception {
        assertEquals("0-3\n", machine.read("/sys/devices/system/cpu/possible"));
        assertEquals("0-3\n", machine.read("/sys/devices/system/cpu/present"));
        assertEquals("0-3\n", machine.read("/sys/devices/system/cpu/online"));
        assertEquals("\n", machine.read("/sys/devices/system/cpu/offline"));
    }

    @Test
    void cpuZeroHasNoOnlineFileLikeRealX86() {
        assertFalse(machine.exists("/sys/devices/system/cpu/cpu0/online"));
        assertTrue(machine.exists("/sys/devices/system/cpu/cpu1/online"));
    }

    @Test
    void offliningCpuUpdatesMasksAndCpuhpState() throws Exception {
        machine.write("/sys/devices/system/cpu/cpu2/online", "0");

        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu2/online"));
        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu2/hotplug/state"));
        assertEquals("0-1,3", machine.readValue("/sys/devices/system/cpu/online"));
        assertEquals("2", machine.readValue("/sys/devices/system/cpu/offline"));
    }

    @Test
    void onlineRejectsValuesKstrtoboolRejects() {
        SystemFileException e = assertThrows(SystemFileException.class,
                () -> machine.write("/sys/devices/system/cpu/cpu1/online", "2"));
        assertEquals(Errno.EINVAL, errnoOf(e));
        assertTrue(e.getMessage().contains("/sys/devices/system/cpu/cpu1/online") && e.getMessage().contains("'2'"),
                e.getMessage());
    }

    @Test
    void failArmedAtWorkqueueOnlineMakesOfflineFailWithEagainAndRollBack() throws Exception {
        machine.failCpuhpState(1, "workqueue:online");

        SystemFileException e = assertThrows(SystemFileException.class,
                () -> machine.write("/sys/devices/system/cpu/cpu1/online", "0"));

        assertEquals(Errno.EAGAIN, errnoOf(e));
        assertEquals("236", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
        assertEquals("1", machine.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals("-1", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/fail"));
    }

    @Test
    void failArmedAtStateWithoutTeardownHasNoEffectOnOffline() throws Exception {
        machine.write("/sys/devices/system/cpu/cpu1/hotplug/fail", "200");

        machine.write("/sys/devices/system/cpu/cpu1/online", "0");

        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
        assertEquals("200", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/fail"));
        SystemFileException e = assertThrows(SystemFileException.class,
                () -> machine.write("/sys/devices/system/cpu/cpu1/online", "1"));
        assertEquals(Errno.EAGAIN, errnoOf(e));
        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
    }

    @Test
    void failRefusesStatesTheKernelRefuses() {
        for (String bad : new String[] {"300", "2", "0", "236", "86", "84", "83", "1", "abc", "-2"}) {
            SystemFileException e = assertThrows(SystemFileException.class,
                    () -> machine.write("/sys/devices/system/cpu/cpu1/hotplug/fail", bad), bad);
            assertEquals(Errno.EINVAL, errnoOf(e), bad);
        }
    }

    @Test
    void targetAcceptsOnlyOfflineAndOnlineWithoutStateControl() throws Exception {
        assertEquals(Errno.EINVAL, assertThrows(SystemFileException.class,
                () -> machine.write("/sys/devices/system/cpu/cpu1/hotplug/target", "187")).errno());

        machine.write("/sys/devices/system/cpu/cpu1/hotplug/target", "0");

        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
        assertEquals("1", machine.readValue("/sys/devices/system/cpu/cpu1/online"), "target bypasses the device core");
        assertEquals("0,2-3", machine.readValue("/sys/devices/system/cpu/online"));
    }

    @Test
    void targetMovesPartiallyWithStateControl() throws Exception {
        SimulatedMachine m = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(2).memoryBlocks(8)
                .cpuhpStateControl(true).build());

        m.write("/sys/devices/system/cpu/cpu1/hotplug/target", "187");

        assertEquals("187", m.readValue("/sys/devices/system/cpu/cpu1/hotplug/state"));
    }

    @Test
    void statesListNamesEveryStateLikeTheVm() throws Exception {
        String states = machine.read("/sys/devices/system/cpu/hotplug/states");
        assertEquals(76, states.lines().count());
        assertTrue(states.contains("187: workqueue:online\n"));
        assertTrue(states.startsWith("  0: offline\n"));
    }

    @Test
    void cpuLinksToItsNodeAndNodeListsOnlineCpus() throws Exception {
        assertEquals("/sys/devices/system/node/node0", machine.readLink("/sys/devices/system/cpu/cpu1/node0"));
        assertEquals("/sys/devices/system/cpu/cpu3", machine.readLink("/sys/devices/system/node/node0/cpu3"));
        machine.write("/sys/devices/system/cpu/cpu3/online", "0");
        assertEquals("0-2", machine.readValue("/sys/devices/system/node/node0/cpulist"));
        assertEquals("7", machine.readValue("/sys/devices/system/node/node0/cpumap"));
    }

    @Test
    void lastOnlineCpuCannotGoOffline() throws Exception {
        SimulatedMachine two = SimulatedMachine.x86Acpi(2, 8);
        two.write("/sys/devices/system/cpu/cpu0/hotplug/fail", "-1");
        assertEquals(Errno.EBUSY, assertThrows(SystemFileException.class,
                () -> two.write("/sys/devices/system/cpu/cpu0/hotplug/target", "0")).errno());
    }
}
