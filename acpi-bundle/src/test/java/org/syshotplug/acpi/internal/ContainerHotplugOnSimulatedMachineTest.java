package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.cpu.internal.CpuInventory;
import org.syshotplug.memory.internal.MemoryInventory;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * The ACPI container of the simulated x86 machine (ACPI0004:00 with CPUs 2 and 3 and memory blocks 4-7)
 * removed and added through the real sequencer with the real CPU and memory handlers.
 */
class ContainerHotplugOnSimulatedMachineTest {

    static final String CONTAINER = "ACPI0004:00";
    static final List<Integer> CONTAINER_CPUS = List.of(2, 3);
    static final List<Integer> CONTAINER_BLOCKS = List.of(4, 5, 6, 7);

    SimulatedMachine machine;
    Chains.RecordedEvents events;
    Sequencer sequencer;

    @BeforeEach
    void machine() throws Exception {
        machine = SimulatedMachine.x86Acpi(4, 8);
        // Hot-removable memory is onlined movable (the memory handlers refuse to remove other memory
        // without force), as an administrator would do for a hot-pluggable memory device.
        for (int b : CONTAINER_BLOCKS) {
            machine.write(KernelPaths.memoryBlock(b, "state"), "offline");
            machine.write(KernelPaths.memoryBlock(b, "state"), "online_movable");
        }
        events = new Chains.RecordedEvents();
        sequencer = Chains.x86Chain(machine, events);
    }

    @AfterEach
    void close() {
        sequencer.close();
    }

    HotplugResult run(HotplugRequest request) throws Exception {
        return sequencer.submit(request).getValue();
    }

    static List<String> handlerOrder(HotplugResult result, Phase... phases) {
        List<String> out = new ArrayList<>();
        for (StepRecord s : result.steps()) {
            if (List.of(phases).contains(s.phase())) {
                out.add(s.phase().word() + " " + s.handler());
            }
        }
        return out;
    }

    List<Integer> cpuIds() {
        return new CpuInventory(machine).devices().stream().map(DeviceInfo::ref).map(DeviceRef::numericId).toList();
    }

    List<Integer> blockIds() {
        return new MemoryInventory(machine).devices().stream().map(DeviceInfo::ref).map(DeviceRef::numericId).toList();
    }

    /**
     * The firmware slot is empty: a 6.1 kernel keeps the object with status 0 after the eject (older
     * kernels, and the simulator before profile x86-acpi-qemu, drop it from the bus folder).
     */
    boolean emptySlot(String name) throws Exception {
        String status = KernelPaths.acpiDevice(name, "status");
        return !machine.exists(KernelPaths.acpiDevice(name))
                || (machine.exists(status) && (Integer.parseInt(machine.readValue(status)) & AcpiStatus.PRESENT) == 0);
    }

    @Test
    void removingTheContainerOfflinesCpusThenMemoryThenEjects() throws Exception {
        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("container", CONTAINER)));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        List<String> chain = handlerOrder(result, Phase.VALIDATE, Phase.EXECUTE, Phase.COMMIT).stream()
                .filter(step -> !step.startsWith("validate") || step.endsWith("acpi.resources")).toList();
        assertEquals(List.of("validate org.syshotplug.acpi.resources", "execute org.syshotplug.cpu.online",
                "execute org.syshotplug.memory.online", "commit org.syshotplug.acpi.eject"), chain);
        assertEquals(List.of("validate org.syshotplug.acpi.bus", "validate org.syshotplug.acpi.resources",
                "validate org.syshotplug.memory.validate", "validate org.syshotplug.cpu.validate"),
                handlerOrder(result, Phase.VALIDATE));
        assertTrue(result.devices().containsAll(List.of(DeviceRef.of("container", CONTAINER), DeviceRef.cpu(2),
                DeviceRef.cpu(3), DeviceRef.memory(4), DeviceRef.memory(7))), result.devices().toString());
        assertEquals(List.of(0, 1), cpuIds());
        assertEquals(List.of(0, 1, 2, 3), blockIds());
        assertTrue(emptySlot(CONTAINER));
        assertTrue(emptySlot("ACPI0007:02"));
    }

    @Test
    void unmovableBlockRollsBackTheCpusAndNothingIsEjected() throws Exception {
        machine.setUnmovable(5, true);

        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "\\_SB_.CNT0")));

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
        for (int cpu : CONTAINER_CPUS) {
            assertEquals("1", machine.readValue(KernelPaths.cpu(cpu, "online")), "cpu" + cpu);
        }
        for (int b : CONTAINER_BLOCKS) {
            assertEquals("online", machine.readValue(KernelPaths.memoryBlock(b, "state")), "memory" + b);
        }
        assertTrue(handlerOrder(result, Phase.COMMIT).isEmpty());
        assertEquals(List.of("rollback org.syshotplug.cpu.online"), handlerOrder(result, Phase.ROLLBACK));
        assertFalse(emptySlot(CONTAINER));
        assertEquals(List.of(0, 1, 2, 3), cpuIds());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), blockIds());
    }

    @Test
    void ejectRequestNotificationMakesOneRemoveRequestWhoseResultIsPosted() throws Exception {
        AcpiNotifyListener listener = new AcpiNotifyListener(sequencer);
        machine.addListener((topic, props) -> listener.handleEvent(new Event(topic, props)));

        machine.notifyAcpi(CONTAINER, AcpiNotifyListener.EJECT_REQUEST);
        Map<String, Object> finished = events.awaitFinished();

        List<HotplugResult> history = sequencer.history(10);
        assertEquals(1, history.size());
        HotplugRequest request = history.get(0).request();
        assertEquals(Operation.REMOVE, request.operation());
        assertEquals("acpi", request.origin());
        assertEquals(List.of(DeviceRef.of("acpi", CONTAINER)), request.targets());
        assertEquals(HotplugEvents.topic(Outcome.SUCCEEDED), finished.get("topic"));
        assertEquals(request.id(), finished.get(HotplugEvents.REQUEST_ID));
        assertTrue(emptySlot(CONTAINER));
        assertTrue(events.finished.isEmpty());
    }

    @Test
    void reinsertedContainerIsBroughtUpByTheBusCheck() throws Exception {
        assertEquals(Outcome.SUCCEEDED, run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", CONTAINER))).outcome());
        events.finished.clear();
        AcpiNotifyListener listener = new AcpiNotifyListener(sequencer);
        machine.addListener((topic, props) -> listener.handleEvent(new Event(topic, props)));

        machine.insertAcpiDevice(CONTAINER);
        Map<String, Object> finished = events.awaitFinished();

        assertEquals(HotplugEvents.topic(Outcome.SUCCEEDED), finished.get("topic"), sequencer.history(1).get(0).summary());
        HotplugResult add = sequencer.history(1).get(0);
        assertEquals(Operation.ADD, add.request().operation());
        assertEquals("bus-check", add.request().parameter("notify"));
        for (int cpu : CONTAINER_CPUS) {
            assertEquals("1", machine.readValue(KernelPaths.cpu(cpu, "online")), "cpu" + cpu);
        }
        for (int b : CONTAINER_BLOCKS) {
            assertEquals("online", machine.readValue(KernelPaths.memoryBlock(b, "state")), "memory" + b);
            // The hot-add policy's default: the memory device stays removable.
            assertEquals("Movable", machine.readValue(KernelPaths.memoryBlock(b, "valid_zones")), "memory" + b);
        }
        HotplugResult again = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", CONTAINER)));
        assertEquals(Outcome.SUCCEEDED, again.outcome(), again.summary());
    }

    @Test
    void removingTheBootProcessorIsVetoedBecauseFirmwareGaveItNoEj0() throws Exception {
        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0007:00")));

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(org.syshotplug.api.Errno.EOPNOTSUPP, result.error().errno(), result.summary());
        assertEquals(List.of(0, 1, 2, 3), cpuIds());
    }

    @Test
    void processorInsideTheContainerIsRemovedAloneAndTheContainerStays() throws Exception {
        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0007:02")));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(0, 1, 3), cpuIds());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), blockIds());
        assertFalse(emptySlot(CONTAINER));
    }

    @Test
    void removalIsVetoedWhenTheKernelSwitchedHotplugOfAClassInsideOff() throws Exception {
        // A 6.1 kernel has no container profile (only processor, memory, pci_root); the container holds memory.
        machine.write(HotplugProfiles.enabledPath("memory"), "0");

        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", CONTAINER)));

        assertEquals(Outcome.REJECTED, result.outcome());
        assertTrue(result.error().message().contains("echo 1 > /sys/firmware/acpi/hotplug/memory/enabled"),
                result.summary());
    }

    @Test
    void processorObjectOutsideAContainerIsRemovedOnItsOwn() throws Exception {
        HotplugResult result = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "ACPI0007:01")));

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(0, 2, 3), cpuIds());
    }
}
