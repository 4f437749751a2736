package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.PlatformEvents;
import org.syshotplug.platform.SystemFileException;

class SimulatedX86AcpiTest {

    private static final String BUS = "/sys/bus/acpi/devices";
    private final SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 16);

    @Test
    void processorObjectLinksToItsCpu() throws Exception {
        assertEquals("ACPI0007", machine.readValue(BUS + "/ACPI0007:01/hid"));
        assertEquals("15", machine.readValue(BUS + "/ACPI0007:01/status"));
        assertEquals("/sys/devices/system/cpu/cpu1", machine.readLink(BUS + "/ACPI0007:01/physical_node"));
        assertEquals("1", machine.readValue(BUS + "/ACPI0007:01/physical_node/online"));
    }

    @Test
    void containerChildrenAreNestedInsideTheContainerFolder() throws Exception {
        assertEquals("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00", machine.readLink(BUS + "/ACPI0004:00"));
        assertEquals("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/ACPI0007:02",
                machine.readLink(BUS + "/ACPI0007:02"));
        List<String> inside = machine.list(BUS + "/ACPI0004:00");
        assertTrue(inside.containsAll(List.of("ACPI0007:02", "ACPI0007:03", "PNP0C80:02", "eject", "hid", "status")),
                inside.toString());
        assertEquals("\\_SB_.CNT0.C003", machine.readValue(BUS + "/ACPI0007:03/path"));
    }

    @Test
    void memoryDeviceLinksToEachOfItsBlocks() throws Exception {
        assertEquals("/sys/devices/system/memory/memory12", machine.readLink(BUS + "/PNP0C80:02/physical_node"));
        assertEquals("/sys/devices/system/memory/memory15", machine.readLink(BUS + "/PNP0C80:02/physical_node3"));
        assertFalse(machine.exists(BUS + "/PNP0C80:00/eject"), "boot memory has no _EJ0");
    }

    @Test
    void ejectIsWriteOnlyAndTheKernelGivesBackWhatItOfflinedWhenABlockRefuses() throws Exception {
        assertEquals(Errno.EACCES, assertThrows(SystemFileException.class,
                () -> machine.read(BUS + "/PNP0C80:01/eject")).errno());
        machine.setUnmovable(10, true);
        machine.write("/sys/devices/system/memory/memory9/state", "offline");

        machine.write(BUS + "/PNP0C80:01/eject", "1");
        awaitIdle();

        // Two passes (acpi_scan_try_to_offline): 8 and 11 went offline in the first, 10 refused twice.
        assertEquals(List.of("memory memory10: Offline failed."), machine.takeKernelLog());
        for (int block : new int[] {8, 11}) {
            assertEquals("Normal", machine.readValue("/sys/devices/system/memory/memory" + block + "/valid_zones"));
        }
        assertEquals("offline", machine.readValue("/sys/devices/system/memory/memory9/state"), "was offline before");
        assertEquals("15", machine.readValue(BUS + "/PNP0C80:01/status"));
    }

    @Test
    void aContainerIsEjectedOnlyOnceUserSpaceOfflinedItsContainerDevice() throws Exception {
        String container = "/sys/devices/system/container/ACPI0004:00";
        assertEquals(container, machine.readLink(BUS + "/ACPI0004:00/physical_node"));
        assertEquals("1", machine.readValue(container + "/online"));

        machine.write(BUS + "/ACPI0004:00/eject", "1");
        awaitIdle();
        assertEquals("15", machine.readValue(BUS + "/ACPI0004:00/status"), "demand_offline: EBUSY, _OST 0x82");
        assertEquals("1", machine.readValue("/sys/devices/system/cpu/cpu2/online"), "the kernel offlined nothing");
        assertEquals(List.of(), machine.takeKernelLog());

        assertEquals(Errno.EBUSY, assertThrows(SystemFileException.class,
                () -> machine.write(container + "/online", "0")).errno(), "cpu2 is online");
        machine.write("/sys/devices/system/cpu/cpu2/online", "0");
        machine.write("/sys/devices/system/cpu/cpu3/online", "0");
        for (int block = 12; block <= 15; block++) {
            machine.write("/sys/devices/system/memory/memory" + block + "/state", "offline");
        }
        machine.write(container + "/online", "0");
        machine.write(BUS + "/ACPI0004:00/eject", "1");
        awaitIdle();

        assertFalse(machine.exists("/sys/devices/system/cpu/cpu2"));
        assertFalse(machine.exists("/sys/devices/system/memory/memory13"));
        assertFalse(machine.exists(container));
        assertEquals("0", machine.readValue(BUS + "/ACPI0004:00/status"));
        assertEquals("0", machine.readValue(BUS + "/ACPI0007:03/status"));
        assertTrue(machine.exists(BUS + "/ACPI0007:03/eject"));
        assertFalse(machine.exists(BUS + "/ACPI0007:03/physical_node"));
        assertFalse(machine.exists(BUS + "/PNP0C80:02/physical_node"));
        assertEquals("0-1", machine.readValue("/sys/devices/system/cpu/present"));
        assertEquals("0-3", machine.readValue("/sys/devices/system/cpu/possible"));
    }

    @Test
    void aProcessorEjectOfflinesItsOnlineCpuItself() throws Exception {
        machine.write(BUS + "/ACPI0007:01/eject", "1");
        awaitIdle();

        assertEquals(List.of("smpboot: CPU 1 is now offline"), machine.takeKernelLog());
        assertFalse(machine.exists("/sys/devices/system/cpu/cpu1"));
        assertEquals("0", machine.readValue(BUS + "/ACPI0007:01/status"));
    }

    @Test
    void ejectWritesAreCheckedLikeEjectStore() throws Exception {
        for (String bad : List.of("0", "2", " 1", "0\n")) {
            assertEquals(Errno.EINVAL, assertThrows(SystemFileException.class,
                    () -> machine.write(BUS + "/ACPI0007:01/eject", bad)).errno(), bad);
        }
        machine.write(BUS + "/ACPI0007:01/eject", "");
        machine.write("/sys/firmware/acpi/hotplug/processor/enabled", "0");
        assertEquals(Errno.ENODEV, assertThrows(SystemFileException.class,
                () -> machine.write(BUS + "/ACPI0007:01/eject", "1")).errno());
        machine.write("/sys/firmware/acpi/hotplug/processor/enabled", "1");
        awaitIdle();
        assertEquals("15", machine.readValue(BUS + "/ACPI0007:01/status"), "nothing was queued");

        machine.write(BUS + "/ACPI0007:01/eject", "1junk");
        awaitIdle();
        assertEquals("0", machine.readValue(BUS + "/ACPI0007:01/status"));
        assertEquals(Errno.ENODEV, assertThrows(SystemFileException.class,
                () -> machine.write(BUS + "/ACPI0007:01/eject", "1")).errno(), "absent");
    }

    @Test
    void insertingEjectedContainerBringsItsDevicesBackOfflineAndNotifies() throws Exception {
        for (int cpu = 2; cpu <= 3; cpu++) {
            machine.write("/sys/devices/system/cpu/cpu" + cpu + "/online", "0");
        }
        for (int block = 12; block <= 15; block++) {
            machine.write("/sys/devices/system/memory/memory" + block + "/state", "offline");
        }
        machine.write("/sys/devices/system/container/ACPI0004:00/online", "0");
        machine.write(BUS + "/ACPI0004:00/eject", "1");
        awaitIdle();
        List<Map<String, Object>> events = new ArrayList<>();
        machine.addListener((topic, props) -> events.add(props));

        machine.insertAcpiDevice("ACPI0004:00");

        assertEquals("0", machine.readValue("/sys/devices/system/cpu/cpu2/online"));
        assertEquals("offline", machine.readValue("/sys/devices/system/memory/memory12/state"));
        assertEquals("15", machine.readValue(BUS + "/ACPI0004:00/status"));
        assertEquals("1", machine.readValue("/sys/devices/system/container/ACPI0004:00/online"));
        assertEquals(List.of(Map.of(PlatformEvents.DEVICE, "ACPI0004:00", PlatformEvents.NOTIFY, 0)), events);
    }

    private void awaitIdle() throws InterruptedException {
        assertTrue(machine.awaitHotplugIdle(java.time.Duration.ofSeconds(10)), "hot-plug work finished");
    }

    @Test
    void notifyAcpiPostsTheNotifyTopic() {
        List<String> topics = new ArrayList<>();
        machine.addListener((topic, props) -> topics.add(topic + " " + props.get(PlatformEvents.NOTIFY)));

        machine.notifyAcpi("ACPI0004:00", 3);

        assertEquals(List.of(PlatformEvents.ACPI_NOTIFY + " 3"), topics);
    }

    @Test
    void hotplugProfilesAndForceRemoveBehaveLikeTheKernel() throws Exception {
        assertEquals("1", machine.readValue("/sys/firmware/acpi/hotplug/processor/enabled"));
        assertEquals("0", machine.readValue("/sys/firmware/acpi/hotplug/force_remove"));
        assertEquals(Errno.EINVAL, assertThrows(SystemFileException.class,
                () -> machine.write("/sys/firmware/acpi/hotplug/force_remove", "1")).errno());
        machine.write("/sys/firmware/acpi/hotplug/force_remove", "0");
        assertEquals(List.of("ACPI: Enabling force_remove is not supported anymore. Please report to "
                + "linux-acpi@vger.kernel.org if you depend on this functionality"), machine.takeKernelLog());
        assertEquals(List.of("force_remove", "memory", "pci_root", "processor"),
                machine.list("/sys/firmware/acpi/hotplug"), "container_handler has no sysfs profile");
        for (String bad : List.of("2", "abc", "-1")) {
            assertEquals(Errno.EINVAL, assertThrows(SystemFileException.class,
                    () -> machine.write("/sys/firmware/acpi/hotplug/memory/enabled", bad)).errno(), bad);
        }
    }

    @Test
    void madtHasEnabledEntriesForPresentCpusAndOnlineCapableForEmptySlots() throws Exception {
        SimulatedMachine m = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(2).possibleCpus(4).memoryBlocks(8)
                .build());
        byte[] t = m.readBytes("/sys/firmware/acpi/tables/APIC");
        ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals("APIC", new String(t, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(t.length, b.getInt(4));
        int sum = 0;
        for (byte x : t) {
            sum += x & 0xFF;
        }
        assertEquals(0, sum & 0xFF, "checksum");
        List<Integer> flags = new ArrayList<>();
        int ioApics = 0;
        for (int off = 44; off < t.length; off += t[off + 1] & 0xFF) {
            if (t[off] == 0) {
                flags.add(b.getInt(off + 4));
            } else if (t[off] == 1) {
                ioApics++;
            }
        }
        assertEquals(List.of(1, 1, 2, 2), flags);
        assertEquals(1, ioApics);
        assertEquals("0", m.readValue(BUS + "/ACPI0007:03/status"), "an empty slot's object exists, absent");
        assertFalse(m.exists(BUS + "/ACPI0007:03/physical_node"));
    }

    @Test
    void insertingAnEmptyCpuSlotMakesTheCpuPresentAndOffline() throws Exception {
        SimulatedMachine m = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(4).possibleCpus(6).memoryBlocks(8)
                .build());

        m.insertAcpiDevice("ACPI0007:05");

        assertEquals("0-3,5", m.readValue("/sys/devices/system/cpu/present"));
        assertEquals("0", m.readValue("/sys/devices/system/cpu/cpu5/online"));
        assertEquals("/sys/devices/system/cpu/cpu5", m.readLink(BUS + "/ACPI0007:05/physical_node"));
    }

    @Test
    void largeMachineUsesX2apicEntriesAboveApicId254() throws Exception {
        SimulatedMachine m = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(1024).memoryBlocks(8192).build());
        assertEquals("0-1023", m.readValue("/sys/devices/system/cpu/online"));
        assertEquals("1", m.readValue("/sys/devices/system/cpu/cpu1023/online"));
        assertEquals("online", m.readValue("/sys/devices/system/memory/memory8191/state"));
        byte[] t = m.readBytes("/sys/firmware/acpi/tables/APIC");
        assertEquals(36 + 8 + 255 * 8 + (1024 - 255) * 16 + 12, t.length);
    }
}
