package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.Progress;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.X86AcpiQemuProfile;
import org.syshotplug.platform.sim.QemuMonitor;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.spi.HotplugException;

/**
 * The whole x86 chain (ACPI, memory, CPU handlers on the real sequencer) on the simulated QEMU q35 guest
 * ({@code x86-acpi-qemu}): slots exist from boot with status 0, QEMU's monitor plugs CPUs and DIMMs, and an
 * eject is queued on the kernel's hot-plug work queue, which offlines, puts back on refusal, and leaves
 * the object with status 0.
 */
class QemuGuestOnSimulatedMachineTest {

    SimulatedMachine machine;
    QemuMonitor qemu;
    Sequencer sequencer;

    void boot(String memhpDefaultState) {
        machine = SimulatedMachine.create(SimConfig.builder().profile(X86AcpiQemuProfile.NAME)
                .extra("memhpDefaultState", memhpDefaultState).build());
        qemu = machine.qemuMonitor().orElseThrow();
        sequencer = Chains.x86Chain(machine, new Chains.RecordedEvents());
    }

    @AfterEach
    void close() {
        if (sequencer != null) {
            sequencer.close();
        }
    }

    void hmp(String command) throws InterruptedException {
        assertEquals("", qemu.hmp(command), command);
        assertTrue(machine.awaitHotplugIdle(Duration.ofSeconds(10)), "the kernel's hot-plug work finished");
    }

    void dimm(int n) throws InterruptedException {
        hmp("object_add memory-backend-ram,id=mem" + n + ",size=256M");
        hmp("device_add pc-dimm,id=dimm" + n + ",memdev=mem" + n);
    }

    HotplugResult run(HotplugRequest request, List<Progress> progress) throws Exception {
        return sequencer.submit(request, progress::add).getValue();
    }

    HotplugResult run(HotplugRequest request) throws Exception {
        return sequencer.submit(request).getValue();
    }

    String read(String path) throws Exception {
        return machine.readValue(path);
    }

    @Test
    void plugOnlineAndRemoveACpuThroughItsLnxcpuObject() throws Exception {
        boot("offline");
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1");

        HotplugResult add = run(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "LNXCPU:01")));
        assertEquals(Outcome.SUCCEEDED, add.outcome(), add.summary());
        assertEquals(List.of(DeviceRef.of("acpi", "LNXCPU:01"), DeviceRef.cpu(1)), add.devices());
        assertEquals("1", read(KernelPaths.cpu(1, "online")));

        HotplugResult remove = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "\\_SB_.CPUS.C001")));

        assertEquals(Outcome.SUCCEEDED, remove.outcome(), remove.summary());
        assertFalse(machine.exists(KernelPaths.cpu(1)));
        assertTrue(machine.exists(KernelPaths.acpiDevice("LNXCPU:01")), "the slot stays");
        assertEquals("0", read(KernelPaths.acpiDevice("LNXCPU:01", "status")));
        assertFalse(machine.exists(KernelPaths.acpiDevice("LNXCPU:01", "physical_node")));
    }

    @Test
    void emptySlotsAreRefusedSayingWhatToDo() throws Exception {
        boot("offline");

        HotplugResult remove = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "LNXCPU:02")));
        HotplugResult add = run(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "PNP0C80:01")));
        HotplugResult boot = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "LNXCPU:00")));

        assertEquals(Outcome.REJECTED, remove.outcome(), remove.summary());
        assertEquals(Errno.ENODEV, remove.error().errno());
        assertTrue(remove.error().message().contains("slot is empty (status 0)"), remove.error().message());
        assertEquals(Outcome.REJECTED, add.outcome(), add.summary());
        assertTrue(add.error().message().contains("insert the device first"), add.error().message());
        assertEquals(Errno.EOPNOTSUPP, boot.error().errno(), boot.summary());
    }

    @Test
    void hotAddedDimmIsOnlinedMovableAndCanBeRemovedAgain() throws Exception {
        boot("offline");
        dimm(1);
        assertEquals("offline", read(KernelPaths.memoryBlock(32, "state")));
        List<Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

        HotplugResult add = run(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "PNP0C80:00")), progress);

        assertEquals(Outcome.SUCCEEDED, add.outcome(), add.summary());
        assertEquals("Movable", read(KernelPaths.memoryBlock(32, "valid_zones")));
        assertEquals("Movable", read(KernelPaths.memoryBlock(33, "valid_zones")));
        assertTrue(progress.stream().anyMatch(p -> p.message().equals("memory32-33 onlined to Movable so the DIMM stays removable")),
                progress.toString());

        HotplugResult remove = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "PNP0C80:00")));

        assertEquals(Outcome.SUCCEEDED, remove.outcome(), remove.summary());
        assertFalse(machine.exists(KernelPaths.memoryBlock(32)));
        assertEquals("0", read(KernelPaths.acpiDevice("PNP0C80:00", "status")));
    }

    @Test
    void dimmOnlinedPlainlyIntoNormalCannotBeRemovedAndTheMessageSaysWhy() throws Exception {
        // Run A steps 18-19: one block online_movable, the other plain online, which lands in ZONE_NORMAL
        // and gets kernel slab at once.
        boot("offline");
        dimm(1);
        machine.write(KernelPaths.memoryBlock(32, "state"), "online_movable");
        machine.write(KernelPaths.memoryBlock(33, "state"), "online");
        String zone33 = read(KernelPaths.memoryBlock(33, "valid_zones"));

        HotplugResult vetoed = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "PNP0C80:00")));
        HotplugResult forced = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "PNP0C80:00")).toBuilder()
                .force(true).build());

        assertEquals(Outcome.REJECTED, vetoed.outcome(), vetoed.summary());
        assertTrue(vetoed.error().message().startsWith("memory33 (zone " + zone33 + ")"), vetoed.error().message());
        assertEquals(Outcome.ROLLED_BACK, forced.outcome(), forced.summary());
        assertEquals(Errno.EBUSY, forced.error().errno());
        assertTrue(forced.error().message().startsWith("memory33 (zone " + zone33 + ") refused to go offline: EBUSY"),
                forced.error().message());
        assertEquals("online", read(KernelPaths.memoryBlock(32, "state")));
        assertEquals("15", read(KernelPaths.acpiDevice("PNP0C80:00", "status")));
    }

    @Test
    void ejectTheKernelRefusesIsReportedFromWhatSysfsShowsAfterwards() throws Exception {
        // Run A step 27 with the eject step alone: the write succeeds, the kernel's work fails on
        // memory33 (ZONE_NORMAL, slab), puts back what it offlined and tells firmware busy.
        boot("offline");
        dimm(1);
        machine.write(KernelPaths.memoryBlock(33, "state"), "online");
        String zone33 = read(KernelPaths.memoryBlock(33, "valid_zones"));
        TestContext ctx = new TestContext(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "PNP0C80:00")),
                Phase.COMMIT);

        HotplugException e = org.junit.jupiter.api.Assertions.assertThrows(HotplugException.class,
                () -> new AcpiEjectHandler(machine, Duration.ofMillis(500)).handle(ctx));
        assertTrue(machine.awaitHotplugIdle(Duration.ofSeconds(10)));

        assertEquals(Errno.EBUSY, e.errno());
        assertTrue(e.getMessage().contains("memory33 online (zone " + zone33 + ")"), e.getMessage());
        assertTrue(qemu.takeOstReports().stream().anyMatch(r -> r.contains("source=0x103 status=0x82")));
        assertEquals("15", read(KernelPaths.acpiDevice("PNP0C80:00", "status")));
    }

    @Test
    void dimmTheKernelOnlinedIntoNormalOnArrivalIsReportedAsNotRemovable() throws Exception {
        // Run C: memhp_default_state=online puts a hot-added DIMM's blocks into ZONE_NORMAL at once.
        boot("online");
        dimm(1);
        String zone32 = read(KernelPaths.memoryBlock(32, "valid_zones"));
        List<Progress> progress = new java.util.concurrent.CopyOnWriteArrayList<>();

        HotplugResult add = run(HotplugRequest.of(Operation.ADD, DeviceRef.of("acpi", "PNP0C80:00")), progress);
        HotplugResult remove = run(HotplugRequest.of(Operation.REMOVE, DeviceRef.of("acpi", "PNP0C80:00")));

        assertEquals(Outcome.SUCCEEDED, add.outcome(), add.summary());
        assertTrue(progress.stream().anyMatch(p -> p.message().startsWith("memory32-33 already online in zone " + zone32)),
                progress.toString());
        assertEquals(Outcome.REJECTED, remove.outcome(), remove.summary());
        assertTrue(remove.error().overridable());
        assertTrue(remove.error().message().startsWith("memory32 (zone " + zone32 + ") is online outside ZONE_MOVABLE"),
                remove.error().message());
    }
}
