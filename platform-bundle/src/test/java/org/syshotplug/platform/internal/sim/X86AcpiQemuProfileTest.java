package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.sim.QemuMonitor;

/**
 * The {@code x86-acpi-qemu} machine replays the steps captured on Linux 6.1 under QEMU 10 q35
 * ({@code -smp 1,maxcpus=4 -m 1G,slots=4,maxmem=4G}): runs A (memhp_default_state=offline), B
 * (online_movable) and C (online), step numbers as captured. Each step: the errno of every write,
 * then, once the hot-plug workqueue is idle, the {@code _OST} reports, the kernel log and the state.
 */
class X86AcpiQemuProfileTest {

    private static final String ACPI = "/sys/bus/acpi/devices/";
    private static final String CPU = "/sys/devices/system/cpu/";
    private static final String MEM = "/sys/devices/system/memory/";
    private static final String HOTPLUG = "/sys/firmware/acpi/hotplug/";

    private SimulatedMachine machine;
    private QemuMonitor qemu;

    private void boot(String memhpDefaultState) {
        machine = SimulatedMachine.create(SimConfig.builder().profile(X86AcpiQemuProfile.NAME)
                .extra("memhpDefaultState", memhpDefaultState).build());
        qemu = machine.qemuMonitor().orElseThrow();
    }

    private void hmp(String command) {
        assertEquals("", qemu.hmp(command), command);
    }

    private void dimm(int n) {
        hmp("object_add memory-backend-ram,id=mem" + n + ",size=256M");
        hmp("device_add pc-dimm,id=dimm" + n + ",memdev=mem" + n);
    }

    private void w(String path, String value) throws SystemFileException {
        machine.write(path, value);
    }

    private Errno err(String path, String value) {
        return assertThrows(SystemFileException.class, () -> machine.write(path, value), path + " " + value).errno();
    }

    private String r(String path) throws SystemFileException {
        return machine.readValue(path);
    }

    /** Waits for the hot-plug work, then checks what QEMU saw and what the kernel printed. */
    private void settled(List<String> ost, List<String> kmsg) throws InterruptedException {
        assertTrue(machine.awaitHotplugIdle(Duration.ofSeconds(10)), "hot-plug work finished");
        assertEquals(ost, qemu.takeOstReports(), "_OST");
        assertEquals(kmsg, qemu.takeKernelLog(), "kernel log");
    }

    private static String ost(String type, int slot, int source, int status, String device) {
        return "slot-type=" + type + " slot=" + slot + " source=0x" + Integer.toHexString(source) + " status=0x"
                + Integer.toHexString(status) + " device=" + device;
    }

    private void cpuMasks(String present, String online, String offline) throws SystemFileException {
        assertEquals(present, r(CPU + "present"), "present");
        assertEquals(online, r(CPU + "online"), "online");
        assertEquals(offline, r(CPU + "offline"), "offline");
        assertEquals(online, r("/sys/devices/system/node/node0/cpulist"), "node0 cpulist");
    }

    private void absent(String object) throws SystemFileException {
        assertEquals("0", r(ACPI + object + "/status"), object);
        assertFalse(machine.exists(ACPI + object + "/physical_node"), object + " keeps no physical_node");
    }

    private void cpuBoundTo(int cpu, String object) throws SystemFileException {
        assertEquals("15", r(ACPI + object + "/status"));
        assertEquals(CPU + "cpu" + cpu, machine.readLink(ACPI + object + "/physical_node"));
        assertEquals("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0010:00/" + object,
                machine.readLink(CPU + "cpu" + cpu + "/firmware_node"));
    }

    private void blocks(String object, int first, String state, String zones) throws SystemFileException {
        assertEquals("15", r(ACPI + object + "/status"));
        for (int i = 0; i < 2; i++) {
            int block = first + i;
            assertEquals(MEM + "memory" + block,
                    machine.readLink(ACPI + object + "/physical_node" + (i == 0 ? "" : Integer.toString(i))));
            assertEquals(state, r(MEM + "memory" + block + "/state"), "memory" + block);
            assertEquals(zones, r(MEM + "memory" + block + "/valid_zones"), "memory" + block);
            assertTrue(machine.exists("/sys/devices/system/node/node0/memory" + block));
            assertEquals("/sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0A06:04/" + object,
                    machine.readLink(MEM + "memory" + block + "/firmware_node"));
        }
    }

    private void blocksGone(String object, int first) throws SystemFileException {
        absent(object);
        for (int block = first; block < first + 2; block++) {
            assertFalse(machine.exists(MEM + "memory" + block));
            assertFalse(machine.exists("/sys/devices/system/node/node0/memory" + block));
        }
    }

    @Test
    void bootStateIsTheQ35Guest() throws Exception {
        boot("offline");
        assertEquals("0-3", r(CPU + "possible"));
        cpuMasks("0", "0", "1-3");
        assertFalse(machine.exists(CPU + "cpu0/online"));
        assertEquals("ACPI0010", r(ACPI + "ACPI0010:00/hid"));
        assertEquals("\\_SB_.CPUS", r(ACPI + "ACPI0010:00/path"));
        assertFalse(machine.exists(ACPI + "ACPI0010:00/uid"));
        assertFalse(machine.exists(ACPI + "ACPI0010:00/status"));
        cpuBoundTo(0, "LNXCPU:00");
        assertFalse(machine.exists(ACPI + "LNXCPU:00/eject"));
        for (int n = 1; n < 4; n++) {
            String o = "LNXCPU:0" + n;
            assertEquals("LNXCPU", r(ACPI + o + "/hid"));
            assertEquals("\\_SB_.CPUS.C00" + n, r(ACPI + o + "/path"));
            assertFalse(machine.exists(ACPI + o + "/uid"));
            assertTrue(machine.exists(ACPI + o + "/eject"));
            absent(o);
        }
        assertEquals("DIMM devices", r(ACPI + "PNP0A06:04/uid"));
        assertEquals("11", r(ACPI + "PNP0A06:04/status"));
        assertEquals("\\_SB_.MHPC", r(ACPI + "PNP0A06:04/path"));
        assertFalse(machine.exists(ACPI + "PNP0A06:04/eject"));
        assertEquals("/sys/devices/system/container/PNP0A06:04", machine.readLink(ACPI + "PNP0A06:04/physical_node"));
        for (int n = 0; n < 4; n++) {
            String o = "PNP0C80:0" + n;
            assertEquals("\\_SB_.MHPC.MP0" + n, r(ACPI + o + "/path"));
            assertEquals("0x0" + n, r(ACPI + o + "/uid"));
            assertTrue(machine.exists(ACPI + o + "/eject"));
            absent(o);
        }
        assertEquals("8000000", r(MEM + "block_size_bytes"));
        assertEquals("offline", r(MEM + "auto_online_blocks"));
        assertEquals("none", r(MEM + "memory0/valid_zones"));
        assertFalse(machine.exists(MEM + "memory1/firmware_node"), "boot memory has no memory device");
        for (int b = 1; b < 8; b++) {
            assertEquals("DMA32", r(MEM + "memory" + b + "/valid_zones"));
        }
        assertEquals(List.of("force_remove", "memory", "pci_root", "processor"), machine.list("/sys/firmware/acpi/hotplug"));
        assertEquals(List.of(), qemu.takeOstReports());
        assertEquals(List.of(), qemu.takeKernelLog());
    }

    @Test
    void runACpuRows() throws Exception {
        boot("offline");
        // 2 cpu-add
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1");
        settled(List.of(ost("CPU", 1, 0x1, 0x0, "cpu1")), List.of("CPU1 has been hot-added"));
        cpuBoundTo(1, "LNXCPU:01");
        assertEquals("0", r(CPU + "cpu1/online"));
        cpuMasks("0-1", "0", "1-3");
        // 3 cpu-online, 4 cpu-offline (twice)
        w(CPU + "cpu1/online", "1\n");
        cpuMasks("0-1", "0-1", "2-3");
        w(CPU + "cpu1/online", "0\n");
        w(CPU + "cpu1/online", "0\n");
        settled(List.of(), List.of("smpboot: CPU 1 is now offline"));
        cpuMasks("0-1", "0", "1-3");
        // 5 cpu-eject-bad-values
        assertEquals(Errno.EINVAL, err(ACPI + "LNXCPU:01/eject", "0\n"));
        w(ACPI + "LNXCPU:01/eject", "");
        assertEquals(Errno.EINVAL, err(ACPI + "LNXCPU:01/eject", "2\n"));
        assertEquals(Errno.EINVAL, err(ACPI + "LNXCPU:01/eject", " 1\n"));
        // 6 cpu-eject-disabled
        w(HOTPLUG + "processor/enabled", "0\n");
        assertEquals(Errno.ENODEV, err(ACPI + "LNXCPU:01/eject", "1\n"));
        // 7 cpu-devdel-disabled
        hmp("device_del cpu1");
        settled(List.of(ost("CPU", 1, 0x3, 0x80, "cpu1")), List.of("acpi LNXCPU:01: Eject disabled"));
        cpuBoundTo(1, "LNXCPU:01");
        // 8 cpu-reenable, 9 cpu-eject-offline
        w(HOTPLUG + "processor/enabled", "1\n");
        w(ACPI + "LNXCPU:01/eject", "1\n");
        settled(List.of(ost("CPU", 1, 0x3, 0x84, "cpu1"), ost("CPU", 1, 0x103, 0x0, "-")), List.of());
        absent("LNXCPU:01");
        assertFalse(machine.exists(CPU + "cpu1"));
        cpuMasks("0", "0", "1-3");
        // 10 cpu-eject-absent
        assertEquals(Errno.ENODEV, err(ACPI + "LNXCPU:01/eject", "1\n"));
        // 11 cpu-readd, 12 cpu-online2, 13 cpu-eject-online
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1b");
        settled(List.of(ost("CPU", 1, 0x1, 0x0, "cpu1b")), List.of("CPU1 has been hot-added"));
        cpuBoundTo(1, "LNXCPU:01");
        w(CPU + "cpu1/online", "1\n");
        w(ACPI + "LNXCPU:01/eject", "1\n");
        settled(List.of(ost("CPU", 1, 0x3, 0x84, "cpu1b"), ost("CPU", 1, 0x103, 0x0, "-")),
                List.of("smpboot: CPU 1 is now offline"));
        absent("LNXCPU:01");
        cpuMasks("0", "0", "1-3");
        // 14 cpu-readd2, 15 cpu-online3, 16 cpu-devdel-online
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1c");
        settled(List.of(ost("CPU", 1, 0x1, 0x0, "cpu1c")), List.of("CPU1 has been hot-added"));
        w(CPU + "cpu1/online", "1\n");
        cpuMasks("0-1", "0-1", "2-3");
        hmp("device_del cpu1c");
        settled(List.of(ost("CPU", 1, 0x3, 0x84, "cpu1c"), ost("CPU", 1, 0x3, 0x0, "-")),
                List.of("smpboot: CPU 1 is now offline"));
        absent("LNXCPU:01");
        cpuMasks("0", "0", "1-3");
        // 42 cpu0-offline-eject, 43 cpu0-devdel
        assertEquals(Errno.ENOENT, err(CPU + "cpu0/online", "0\n"));
        assertEquals(Errno.ENOENT, err(ACPI + "LNXCPU:00/eject", "1\n"));
        assertEquals("Error: Boot CPU is unpluggable", qemu.hmp("device_del /machine/unattached/device[0]"));
        assertEquals("Error: Device 'cpu1c' not found", qemu.hmp("device_del cpu1c"));
    }

    @Test
    void runAMemoryRows() throws Exception {
        boot("offline");
        // 17 mem-add
        dimm(1);
        settled(List.of(ost("DIMM", 0, 0x1, 0x0, "dimm1")), List.of());
        blocks("PNP0C80:00", 32, "offline", "Normal Movable");
        // 18 online_movable, 19 online: the kernel picks Normal, the first block of an empty ZONE_NORMAL
        w(MEM + "memory32/state", "online_movable\n");
        assertEquals("Movable", r(MEM + "memory32/valid_zones"));
        assertEquals("Normal Movable", r(MEM + "memory33/valid_zones"));
        w(MEM + "memory33/state", "online\n");
        assertEquals("Normal", r(MEM + "memory33/valid_zones"));
        // 20 mem-offline
        w(MEM + "memory32/state", "offline\n");
        assertEquals(Errno.EBUSY, err(MEM + "memory33/state", "offline\n"));
        assertEquals("Normal Movable", r(MEM + "memory32/valid_zones"));
        // 21 mem-online-kernel
        w(MEM + "memory32/state", "online_kernel\n");
        assertEquals("Normal", r(MEM + "memory32/valid_zones"));
        assertEquals(Errno.EINVAL, err(MEM + "memory33/state", "online_kernel\n"));
        // 22 mem-offline2
        w(MEM + "memory32/state", "offline\n");
        assertEquals(Errno.EINVAL, err(MEM + "memory32/state", "offline\n"));
        assertEquals(Errno.EBUSY, err(MEM + "memory33/state", "offline\n"));
        assertEquals(Errno.EINVAL, err(MEM + "memory33/state", "bogus\n"));
        w(MEM + "memory33/online", "1\n");
        assertEquals(Errno.EBUSY, err(MEM + "memory33/online", "0\n"));
        // 23 bad values, 24 disabled
        assertEquals(Errno.EINVAL, err(ACPI + "PNP0C80:00/eject", "0\n"));
        assertEquals(Errno.EINVAL, err(ACPI + "PNP0C80:00/eject", "2\n"));
        w(HOTPLUG + "memory/enabled", "0\n");
        assertEquals(Errno.ENODEV, err(ACPI + "PNP0C80:00/eject", "1\n"));
        // 25 mem-devdel-disabled
        hmp("device_del dimm1");
        settled(List.of(ost("DIMM", 0, 0x3, 0x80, "dimm1")), List.of("acpi PNP0C80:00: Eject disabled"));
        // 26 re-enable, 27 mem-eject-busy
        w(HOTPLUG + "memory/enabled", "1\n");
        w(ACPI + "PNP0C80:00/eject", "1\n");
        settled(List.of(ost("DIMM", 0, 0x3, 0x84, "dimm1"), ost("DIMM", 0, 0x103, 0x82, "dimm1")),
                List.of("memory memory33: Offline failed."));
        assertEquals("offline", r(MEM + "memory32/state"));
        assertEquals("Normal", r(MEM + "memory33/valid_zones"));
        assertEquals("15", r(ACPI + "PNP0C80:00/status"));
        // 28, 29 mem-devdel-busy (twice)
        for (int i = 0; i < 2; i++) {
            hmp("device_del dimm1");
            settled(List.of(ost("DIMM", 0, 0x3, 0x84, "dimm1"), ost("DIMM", 0, 0x3, 0x82, "dimm1")),
                    List.of("memory memory33: Offline failed."));
        }
        // 30 mem-add2 (slot 1, the next 256 MiB), 31 mem-eject-offline, 32 mem-eject-absent
        dimm(2);
        settled(List.of(ost("DIMM", 1, 0x1, 0x0, "dimm2")), List.of());
        blocks("PNP0C80:01", 34, "offline", "Normal Movable");
        w(ACPI + "PNP0C80:01/eject", "1\n");
        settled(List.of(ost("DIMM", 1, 0x3, 0x84, "dimm2"), ost("DIMM", 1, 0x103, 0x0, "-")), List.of());
        blocksGone("PNP0C80:01", 34);
        assertEquals(Errno.ENODEV, err(ACPI + "PNP0C80:01/eject", "1\n"));
        // 33 mem-add3, 34 online_movable both, 35 mem-eject-online-movable
        dimm(3);
        settled(List.of(ost("DIMM", 1, 0x1, 0x0, "dimm3")), List.of());
        w(MEM + "memory34/state", "online_movable\n");
        w(MEM + "memory35/state", "online_movable\n");
        w(ACPI + "PNP0C80:01/eject", "1\n");
        settled(List.of(ost("DIMM", 1, 0x3, 0x84, "dimm3"), ost("DIMM", 1, 0x103, 0x0, "-")), List.of());
        blocksGone("PNP0C80:01", 34);
        // 36 mem-add4, 37 online_movable both, 38 mem-devdel-online-movable
        dimm(4);
        settled(List.of(ost("DIMM", 1, 0x1, 0x0, "dimm4")), List.of());
        w(MEM + "memory34/state", "online_movable\n");
        w(MEM + "memory35/state", "online_movable\n");
        blocks("PNP0C80:01", 34, "online", "Movable");
        hmp("device_del dimm4");
        settled(List.of(ost("DIMM", 1, 0x3, 0x84, "dimm4"), ost("DIMM", 1, 0x3, 0x0, "-")), List.of());
        blocksGone("PNP0C80:01", 34);
        // 39 mem-add5, 40 mem-devdel-offline
        dimm(5);
        settled(List.of(ost("DIMM", 1, 0x1, 0x0, "dimm5")), List.of());
        hmp("device_del dimm5");
        settled(List.of(ost("DIMM", 1, 0x3, 0x84, "dimm5"), ost("DIMM", 1, 0x3, 0x0, "-")), List.of());
        blocksGone("PNP0C80:01", 34);
        // 41 mem-probe-boot: offline, then online again, every online block
        assertEquals(Errno.EINVAL, err(MEM + "memory0/state", "offline\n"));
        for (int b : new int[] {1, 4, 5, 6}) {
            w(MEM + "memory" + b + "/state", "offline\n");
            w(MEM + "memory" + b + "/state", "online\n");
            assertEquals("DMA32", r(MEM + "memory" + b + "/valid_zones"));
        }
        for (int b : new int[] {2, 3, 33}) {
            assertEquals(Errno.EBUSY, err(MEM + "memory" + b + "/state", "offline\n"), "memory" + b);
        }
        assertEquals(Errno.EINVAL, err(MEM + "memory7/state", "offline\n"));
        assertEquals(List.of(), qemu.takeKernelLog());
    }

    @Test
    void runBCpuNumbersAreTheLowestFreeAndAutoOnlineMovableDimmsGoAway() throws Exception {
        boot("online_movable");
        // 2 mem-add (auto-online movable), 3 mem-devdel
        dimm(1);
        settled(List.of(ost("DIMM", 0, 0x1, 0x0, "dimm1")), List.of());
        blocks("PNP0C80:00", 32, "online", "Movable");
        hmp("device_del dimm1");
        settled(List.of(ost("DIMM", 0, 0x3, 0x84, "dimm1"), ost("DIMM", 0, 0x3, 0x0, "-")), List.of());
        blocksGone("PNP0C80:00", 32);
        // 4-6: cores 3, 2, 1 become cpu1, cpu2, cpu3
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=3,thread-id=0,id=cpu3");
        settled(List.of(ost("CPU", 3, 0x1, 0x0, "cpu3")), List.of("CPU1 has been hot-added"));
        cpuBoundTo(1, "LNXCPU:03");
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=2,thread-id=0,id=cpu2");
        settled(List.of(ost("CPU", 2, 0x1, 0x0, "cpu2")), List.of("CPU2 has been hot-added"));
        cpuBoundTo(2, "LNXCPU:02");
        hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1d");
        settled(List.of(ost("CPU", 1, 0x1, 0x0, "cpu1d")), List.of("CPU3 has been hot-added"));
        cpuBoundTo(3, "LNXCPU:01");
        cpuMasks("0-3", "0", "1-3");
        assertEquals("Error: CPU[1] with APIC ID 1 exists",
                qemu.hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=again"));
        assertEquals("Error: Invalid CPU socket-id: 1 must be in range 0:0",
                qemu.hmp("device_add qemu64-x86_64-cpu,socket-id=1,core-id=1,thread-id=0,id=again"));
        // 7 cpu-online-all, 8 cpu-eject-1junk
        for (int cpu = 1; cpu <= 3; cpu++) {
            w(CPU + "cpu" + cpu + "/online", "1\n");
        }
        cpuMasks("0-3", "0-3", "");
        w(ACPI + "LNXCPU:03/eject", "1junk\n");
        settled(List.of(ost("CPU", 3, 0x3, 0x84, "cpu3"), ost("CPU", 3, 0x103, 0x0, "-")),
                List.of("smpboot: CPU 1 is now offline"));
        absent("LNXCPU:03");
        cpuMasks("0,2-3", "0,2-3", "1");
        // 9 cpu-offline-core2, 10 cpu-devdel-offline, 11 cpu-devdel-last
        w(CPU + "cpu2/online", "0\n");
        settled(List.of(), List.of("smpboot: CPU 2 is now offline"));
        hmp("device_del cpu2");
        settled(List.of(ost("CPU", 2, 0x3, 0x84, "cpu2"), ost("CPU", 2, 0x3, 0x0, "-")), List.of());
        cpuMasks("0,3", "0,3", "1-2");
        hmp("device_del cpu1d");
        settled(List.of(ost("CPU", 1, 0x3, 0x84, "cpu1d"), ost("CPU", 1, 0x3, 0x0, "-")),
                List.of("smpboot: CPU 3 is now offline"));
        cpuMasks("0", "0", "1-3");
        absent("LNXCPU:01");
    }

    @Test
    void runCProfileWritesAndAnAutoOnlinedDimmThatHoldsKernelPages() throws Exception {
        boot("online");
        // 2 profile-writes
        assertEquals(Errno.EINVAL, err(HOTPLUG + "force_remove", "1\n"));
        w(HOTPLUG + "force_remove", "0\n");
        assertEquals(Errno.EINVAL, err(HOTPLUG + "force_remove", "yes\n"));
        for (String bad : List.of("2\n", "abc\n", "-1\n")) {
            assertEquals(Errno.EINVAL, err(HOTPLUG + "processor/enabled", bad), bad);
        }
        assertEquals("1", r(HOTPLUG + "processor/enabled"));
        w(HOTPLUG + "processor/enabled", "1\n");
        String refusal = "ACPI: Enabling force_remove is not supported anymore. Please report to "
                + "linux-acpi@vger.kernel.org if you depend on this functionality";
        settled(List.of(), List.of(refusal, refusal));
        // 3 mem-add: both blocks auto-onlined into ZONE_NORMAL
        dimm(1);
        settled(List.of(ost("DIMM", 0, 0x1, 0x0, "dimm1")), List.of());
        blocks("PNP0C80:00", 32, "online", "Normal");
        // 4 mem-devdel-auto-online: memory32 holds the kernel's slab; memory33 goes offline and back
        hmp("device_del dimm1");
        settled(List.of(ost("DIMM", 0, 0x3, 0x84, "dimm1"), ost("DIMM", 0, 0x3, 0x82, "dimm1")),
                List.of("memory memory32: Offline failed."));
        blocks("PNP0C80:00", 32, "online", "Normal");
        // 5 mem-add2, 6 offline both, online_movable the first
        dimm(2);
        settled(List.of(ost("DIMM", 1, 0x1, 0x0, "dimm2")), List.of());
        blocks("PNP0C80:01", 34, "online", "Normal");
        w(MEM + "memory34/state", "offline\n");
        w(MEM + "memory35/state", "offline\n");
        w(MEM + "memory34/state", "online_movable\n");
        assertEquals("Movable", r(MEM + "memory34/valid_zones"));
        assertEquals("Normal Movable", r(MEM + "memory35/valid_zones"));
        // 7 mem-eject-mixed
        w(ACPI + "PNP0C80:01/eject", "1\n");
        settled(List.of(ost("DIMM", 1, 0x3, 0x84, "dimm2"), ost("DIMM", 1, 0x103, 0x0, "-")), List.of());
        blocksGone("PNP0C80:01", 34);
        assertEquals("online", r(MEM + "memory32/state"));
    }

    /**
     * Not captured; from the source: the eject's rollback onlines through device_online, which is
     * MMOP_ONLINE (memory_subsys_online), so a movable block whose zone span went with it comes
     * back in ZONE_NORMAL.
     */
    @Test
    void aBlockTheAbandonedEjectPutsBackGoesToTheDefaultZone() throws Exception {
        boot("offline");
        dimm(1);
        settled(List.of(ost("DIMM", 0, 0x1, 0x0, "dimm1")), List.of());
        w(MEM + "memory32/state", "online_movable");
        w(MEM + "memory33/state", "online");

        w(ACPI + "PNP0C80:00/eject", "1");
        settled(List.of(ost("DIMM", 0, 0x3, 0x84, "dimm1"), ost("DIMM", 0, 0x103, 0x82, "dimm1")),
                List.of("memory memory33: Offline failed."));

        assertEquals("Normal", r(MEM + "memory32/valid_zones"));
        w(MEM + "memory32/state", "offline");
    }

    @Test
    void monitorErrorsAreQemus() {
        boot("offline");
        assertEquals("Error: Device 'nope' not found", qemu.hmp("device_del nope"));
        assertEquals("Error: Invalid CPU core-id: 4 must be in range 0:3",
                qemu.hmp("device_add qemu64-x86_64-cpu,socket-id=0,core-id=4,thread-id=0,id=c4"));
        assertEquals("Error: Property 'pc-dimm.memdev' can't find value 'm'", qemu.hmp("device_add pc-dimm,id=d,memdev=m"));
        for (int n = 1; n <= 4; n++) {
            dimm(n);
        }
        hmp("object_add memory-backend-ram,id=mem5,size=256M");
        assertEquals("Error: no free slots left", qemu.hmp("device_add pc-dimm,id=dimm5,memdev=mem5"));
        assertEquals("Error: can't use already busy memdev: mem1", qemu.hmp("device_add pc-dimm,id=x,memdev=mem1"));
        assertEquals("Error: Duplicate device ID 'dimm1'", qemu.hmp("device_add pc-dimm,id=dimm1,memdev=mem5"));
        assertEquals("Error: attempt to add duplicate property 'mem1' to object (type 'container')",
                qemu.hmp("object_add memory-backend-ram,id=mem1,size=256M"));
    }

    @Test
    void otherProfilesHaveNoMonitor() {
        assertTrue(SimulatedMachine.x86Acpi(2, 4).qemuMonitor().isEmpty());
    }
}
