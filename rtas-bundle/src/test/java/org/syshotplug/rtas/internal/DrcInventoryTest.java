package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;

/** The drc inventory agrees with lsslot -c all: CPU DRCs configured or empty, LMB DRCs assigned or not. */
class DrcInventoryTest {

    @Test
    void listsCpuAndLmbConnectorsWithTheirStatesAndDevices() {
        SimulatedMachine machine = SimulatedMachine.create(PseriesProfile.lpar(2, 8, 8, 24, 2));
        List<DeviceInfo> drcs = new DrcInventory(machine).devices();

        Map<String, Long> byState = drcs.stream().collect(Collectors.groupingBy(DeviceInfo::state, Collectors.counting()));
        assertEquals(Map.of("configured", 2L, "empty", 6L, "assigned", 2L, "unassigned", 22L), byState);
        DeviceInfo cpu = drcs.get(0);
        assertEquals("drc", cpu.ref().type());
        assertTrue(cpu.ref().id().startsWith("0x"), cpu.ref().toString());
        assertEquals("CPU", cpu.attributes().get("drc-type"));
        assertTrue(cpu.attributes().get("os-device").startsWith("cpu0"), cpu.attributes().toString());
        DeviceInfo lmb = drcs.stream().filter(d -> d.state().equals("assigned")).findFirst().orElseThrow();
        assertTrue(lmb.attributes().get("os-device").startsWith("memory"), lmb.attributes().toString());
        assertEquals("MEM", lmb.attributes().get("drc-type"));
    }
}
