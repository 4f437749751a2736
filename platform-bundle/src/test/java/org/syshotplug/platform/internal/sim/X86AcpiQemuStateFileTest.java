package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.platform.sim.QemuMonitor;

class X86AcpiQemuStateFileTest {

    @TempDir
    Path dir;

    private static SimulatedMachine qemuGuest() {
        return SimulatedMachine.create(SimConfig.builder().profile(X86AcpiQemuProfile.NAME).build());
    }

    @Test
    void qemuDevicesTheirIdsAndTheKernelsCpuNumbersSurviveARestart() throws Exception {
        SimulatedMachine before = qemuGuest();
        QemuMonitor qemu = before.qemuMonitor().orElseThrow();
        qemu.hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=3,thread-id=0,id=cpu3");
        qemu.hmp("object_add memory-backend-ram,id=mem1,size=256M");
        qemu.hmp("device_add pc-dimm,id=dimm1,memdev=mem1");
        assertTrue(before.awaitHotplugIdle(Duration.ofSeconds(10)));
        before.write("/sys/devices/system/cpu/cpu1/online", "1");
        before.write("/sys/devices/system/memory/memory33/state", "online_movable");
        MachineStateFile file = new MachineStateFile(dir.resolve("machine.state"));
        file.save(before);

        SimulatedMachine after = qemuGuest();
        assertTrue(file.load(after));
        QemuMonitor qemuAfter = after.qemuMonitor().orElseThrow();

        assertEquals("/sys/devices/system/cpu/cpu1",
                after.readLink("/sys/bus/acpi/devices/LNXCPU:03/physical_node"));
        assertEquals("1", after.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals("offline", after.readValue("/sys/devices/system/memory/memory32/state"));
        assertEquals("Movable", after.readValue("/sys/devices/system/memory/memory33/valid_zones"));
        assertEquals(List.of(), qemuAfter.takeKernelLog());
        assertEquals("Error: can't use already busy memdev: mem1",
                qemuAfter.hmp("device_add pc-dimm,id=dimm2,memdev=mem1"));
        assertEquals("", qemuAfter.hmp("device_del cpu3"));
        assertTrue(after.awaitHotplugIdle(Duration.ofSeconds(10)));
        assertEquals(List.of("slot-type=CPU slot=3 source=0x3 status=0x84 device=cpu3",
                "slot-type=CPU slot=3 source=0x3 status=0x0 device=-"), qemuAfter.takeOstReports());
    }
}
