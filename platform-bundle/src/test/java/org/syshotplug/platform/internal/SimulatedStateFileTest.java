package org.syshotplug.platform.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.MachineStateFile;

/** The optional {@code stateFile} of the simulated platform: the machine survives its process. */
class SimulatedStateFileTest {

    @TempDir
    Path dir;

    private SimulatedPlatform platform(Path stateFile) throws Exception {
        SimulatedPlatform p = new SimulatedPlatform();
        p.activate(PlatformComponentsTest.config(Map.of("stateFile", stateFile.toString(), "cpus", 4,
                "memoryBlocks", 16)));
        return p;
    }

    @Test
    void cpuMemoryAndEjectedContainerSurviveARestart() throws Exception {
        Path state = dir.resolve("machine.state");
        SimulatedPlatform before = platform(state);
        before.write("/sys/devices/system/cpu/cpu1/online", "0");
        before.write("/sys/devices/system/memory/memory5/state", "offline");
        before.write("/sys/devices/system/memory/memory6/state", "offline");
        before.write("/sys/devices/system/memory/memory6/state", "online_movable");
        // The container ACPI0004:00 holds CPUs 2-3 and the last four blocks: all offline, then eject.
        before.write("/sys/devices/system/cpu/cpu2/online", "0");
        before.write("/sys/devices/system/cpu/cpu3/online", "0");
        for (int b = 12; b < 16; b++) {
            before.write("/sys/devices/system/memory/memory" + b + "/state", "offline");
        }
        before.write("/sys/devices/system/container/ACPI0004:00/online", "0");
        before.write("/sys/bus/acpi/devices/ACPI0004:00/eject", "1");
        // The write only queued the kernel's eject work; its save follows the work.
        assertTrue(before.machine().awaitHotplugIdle(java.time.Duration.ofSeconds(10)));

        SimulatedPlatform after = platform(state);

        assertEquals("0", after.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals("offline", after.readValue("/sys/devices/system/memory/memory5/state"));
        assertEquals("Movable", after.readValue("/sys/devices/system/memory/memory6/valid_zones"));
        assertEquals("online", after.readValue("/sys/devices/system/memory/memory7/state"));
        assertEquals("0", after.readValue("/sys/bus/acpi/devices/ACPI0004:00/status"), "container stays ejected");
        assertFalse(after.exists("/sys/devices/system/memory/memory12"), "its blocks stay gone");
        assertEquals("0-1", after.readValue("/sys/devices/system/cpu/present"));
    }

    @Test
    void pseriesDlparSurvivesARestartAndItsUndoReleasesTheDrcs() throws Exception {
        Path state = dir.resolve("machine.state");
        Map<String, Object> lpar = Map.of("stateFile", state.toString(), "profile", "pseries", "cpus", 2,
                "possibleCpus", 8);
        SimulatedPlatform before = new SimulatedPlatform();
        before.activate(PlatformComponentsTest.config(lpar));
        String dynamicMemory = "/proc/device-tree/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2";
        byte[] boot = before.readBytes(dynamicMemory);
        // Default sizes: 16 boot LMBs, DRCs 0x80000010 and 0x80000011 assigned at boot; 2 blocks per LMB.
        before.write("/sys/kernel/dlpar", "memory add count 2");
        before.write("/sys/kernel/dlpar", "cpu add index 0x10000002");

        SimulatedPlatform after = new SimulatedPlatform();
        after.activate(PlatformComponentsTest.config(lpar));

        assertEquals(MachineStateFile.snapshot(before.machine()), MachineStateFile.snapshot(after.machine()));
        assertEquals("online", after.readValue("/sys/devices/system/memory/memory39/state"));
        assertEquals("0-2", after.readValue("/sys/devices/system/cpu/online"));
        after.write("/sys/kernel/dlpar", "cpu remove index 0x10000002");
        after.write("/sys/kernel/dlpar", "memory remove index 0x80000013");
        after.write("/sys/kernel/dlpar", "memory remove index 0x80000012");

        SimulatedPlatform third = new SimulatedPlatform();
        third.activate(PlatformComponentsTest.config(lpar));
        assertArrayEquals(boot, third.readBytes(dynamicMemory));
        assertFalse(third.exists("/sys/devices/system/memory/memory36"));
        assertFalse(third.exists("/proc/device-tree/cpus/PowerPC,POWER9@2"));
    }

    @Test
    void x86FileOfFormatOneStillLoads() throws Exception {
        Path state = dir.resolve("machine.state");
        Files.writeString(state, "cpu 1 0\nmemory 5 offline\nmemory 6 online Movable\nacpi ACPI0007:03 1\n");

        SimulatedPlatform after = platform(state);

        assertEquals("0", after.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals("offline", after.readValue("/sys/devices/system/memory/memory5/state"));
        assertEquals("Movable", after.readValue("/sys/devices/system/memory/memory6/valid_zones"));
        assertTrue(Files.readString(state).startsWith("format 2\ncpu 1 0\n"), "rewritten in the new format");
    }

    @Test
    void refusedWriteLeavesTheFileAsItWas() throws Exception {
        Path state = dir.resolve("machine.state");
        SimulatedPlatform p = platform(state);
        p.write("/sys/devices/system/cpu/cpu1/online", "0");
        String saved = Files.readString(state);

        SystemFileException refused = assertThrows(SystemFileException.class,
                () -> p.write("/sys/devices/system/memory/memory3/state", "bogus"));

        assertEquals(Errno.EINVAL, refused.errno());
        assertEquals(saved, Files.readString(state));
    }

    @Test
    void noFileMeansAFreshMachineAndNoFileWritten() throws Exception {
        SimulatedPlatform p = new SimulatedPlatform();
        p.activate(PlatformComponentsTest.config(Map.of()));

        p.write("/sys/devices/system/cpu/cpu1/online", "0");

        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
        assertTrue(p.describe().startsWith("simulated"));
    }

    @Test
    void faultDelaysFromTheConfigurationSlowTheNamedFiles() throws Exception {
        SimulatedPlatform p = new SimulatedPlatform();
        p.activate(PlatformComponentsTest.config(Map.of("faultDelays",
                "/sys/devices/system/cpu/cpu1/online=40, /sys/devices/system/cpu/cpu2/online=40")));

        long start = System.nanoTime();
        p.write("/sys/devices/system/cpu/cpu1/online", "0");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMillis >= 40, "the write waited the configured delay, took " + tookMillis + " ms");
    }
}
