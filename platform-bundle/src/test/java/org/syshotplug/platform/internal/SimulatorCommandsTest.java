package org.syshotplug.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

class SimulatorCommandsTest {

    @Test
    void acpinotifyRaisesTheNotificationOnTheSimulator() {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 8);
        List<Map<String, Object>> posted = new ArrayList<>();
        machine.addListener((topic, props) -> posted.add(props));
        SimulatorCommands commands = new SimulatorCommands();
        commands.machine = machine;

        String out = commands.acpinotify("ACPI0004:00", "eject-request");

        assertEquals("raised eject-request (0x3) on ACPI0004:00", out);
        assertEquals(List.of(Map.of("device", "ACPI0004:00", "notify", 3)), posted);
    }

    @Test
    void acpinotifyExplainsWhatIsWrong() {
        SimulatorCommands commands = new SimulatorCommands();
        IllegalStateException noSimulator = assertThrows(IllegalStateException.class,
                () -> commands.acpinotify("ACPI0004:00", "eject-request"));
        assertTrue(noSimulator.getMessage().contains("simulated machine"), noSimulator.getMessage());

        commands.machine = SimulatedMachine.x86Acpi(4, 8);
        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
                () -> commands.acpinotify("ACPI0004:00", "unplug"));
        assertTrue(badValue.getMessage().contains("expected eject-request"), badValue.getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands.acpinotify("../x", "0x03"));
        assertEquals("raised device-check (0x1) on ACPI0004:00", commands.acpinotify("ACPI0004:00", "0x01"));
    }

    @Test
    void qemuRunsTheMonitorCommandAndShowsWhatTheGuestKernelDid() {
        SimulatorCommands commands = new SimulatorCommands();
        commands.machine = SimulatedMachine.create(org.syshotplug.platform.internal.sim.SimConfig.builder()
                .profile("x86-acpi-qemu").build());

        assertEquals("_OST slot-type=CPU slot=2 source=0x1 status=0x0 device=c2\nkernel: CPU1 has been hot-added",
                commands.qemu("device_add qemu64-x86_64-cpu,socket-id=0,core-id=2,thread-id=0,id=c2"));
        assertEquals("Error: Device 'nope' not found", commands.qemu("device_del nope"));

        commands.machine = SimulatedMachine.x86Acpi(4, 8);
        assertThrows(IllegalStateException.class, () -> commands.qemu("device_del c2"));
    }
}
