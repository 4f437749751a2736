package org.syshotplug.platform.internal.sim.pseries;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.MachineStateFile;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/**
 * The pseries firmware side survives a restart through the state file: DRC state, LMB flags (so
 * {@code ibm,dynamic-memory-v2}), configured cores with their cpu nodes, present CPUs and blocks.
 * "Restart" drops the machine and builds a new one from the same configuration and the file, as the
 * kill test's SIGKILL and start do. LPAR: 2 of 8 cores, 8 boot LMBs, 24 LMB DRCs (0x80000008..), the
 * first two assigned; one 256 MiB block per LMB, so LMB DRC 0x800000nn is memory block nn.
 */
class PseriesStateFileTest {
    private static final SimConfig LPAR = PseriesProfile.lpar(2, 8, 8, 24, 2);
    private static final String V2 = KernelPaths.DEVICE_TREE + "/ibm,dynamic-reconfiguration-memory/ibm,dynamic-memory-v2";
    private static final String CPUS = KernelPaths.DEVICE_TREE + "/cpus";

    @TempDir
    Path dir;

    /** The machine and its file, saved after every write that returned, as the simulated platform does. */
    private final class Kept {
        final SimulatedMachine machine;
        final MachineStateFile file;

        Kept(SimConfig config) throws Exception {
            machine = SimulatedMachine.create(config);
            file = new MachineStateFile(dir.resolve("machine.state"));
            file.load(machine);
            file.save(machine);
        }

        Errno write(String path, String value) throws IOException {
            try {
                machine.write(path, value);
            } catch (SystemFileException e) {
                return e.errno();
            }
            file.save(machine);
            return null;
        }

        Errno dlpar(String request) throws IOException {
            return write(KernelPaths.DLPAR, request);
        }
    }

    private static boolean assigned(SimulatedMachine m, String drcIndex) {
        return MachineStateFile.snapshot(m).stream().anyMatch(l -> l.startsWith("lmb " + drcIndex + " ")
                && (Long.decode(l.split(" ")[2]) & PseriesKernel.DRCONF_ASSIGNED) != 0);
    }

    @Test
    void memoryAddedByCountIsStillAssignedAndOnlineAfterARestartAndARemoveByIndexReleasesIt() throws Exception {
        Kept before = new Kept(LPAR);
        byte[] bootV2 = before.machine.readBytes(V2);
        assertNull(before.dlpar("memory add count 2"));

        Kept after = new Kept(LPAR);

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
        assertArrayEquals(before.machine.readBytes(V2), after.machine.readBytes(V2));
        assertTrue(assigned(after.machine, "0x8000000a") && assigned(after.machine, "0x8000000b"));
        assertEquals("online", after.machine.readValue(KernelPaths.memoryBlock(11, "state")));
        // What DrcAcquireHandler's undo log writes when a rolled-back add is recovered.
        assertNull(after.dlpar("memory remove index 0x8000000b"));
        assertNull(after.dlpar("memory remove index 0x8000000a"));
        assertFalse(after.machine.exists(KernelPaths.memoryBlock(10)));
        assertFalse(after.machine.exists(KernelPaths.memoryBlock(11)));
        assertArrayEquals(bootV2, after.machine.readBytes(V2), "back to the boot assignment");
        assertEquals(Errno.EINVAL, after.dlpar("memory remove index 0x8000000a"), "not assigned any more");
    }

    @Test
    void coreAddedByIndexIsStillConfiguredAfterARestartWithTheOnlineStateOfItsCpus() throws Exception {
        Kept before = new Kept(LPAR);
        assertNull(before.dlpar("cpu add index 0x10000002"));
        assertNull(before.write(KernelPaths.cpu(1, "online"), "0"));

        Kept after = new Kept(LPAR);

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
        assertTrue(after.machine.isDirectory(CPUS + "/PowerPC,POWER9@2"));
        assertArrayEquals(before.machine.readBytes(CPUS + "/PowerPC,POWER9@2/ibm,my-drc-index"),
                after.machine.readBytes(CPUS + "/PowerPC,POWER9@2/ibm,my-drc-index"));
        assertEquals("0,2", after.machine.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals("0-2", after.machine.readValue(KernelPaths.CPU_ROOT + "/present"));
        assertNull(after.dlpar("cpu remove index 0x10000002"));
        assertFalse(after.machine.isDirectory(CPUS + "/PowerPC,POWER9@2"));
        assertEquals("0-1", after.machine.readValue(KernelPaths.CPU_ROOT + "/present"));
        assertEquals(Errno.ENODEV, after.dlpar("cpu remove index 0x10000002"));
    }

    @Test
    void bootResourcesTheyGaveBackStayGoneAndReusedCpuIdsKeepTheirNewCore() throws Exception {
        Kept before = new Kept(LPAR);
        assertNull(before.dlpar("memory remove index 0x80000008"));
        assertNull(before.dlpar("cpu remove index 0x10000000"));
        assertNull(before.dlpar("cpu add index 0x10000005"));
        assertEquals("5", before.machine.readValue(KernelPaths.cpu(0, "physical_id")), "cpu0 is core 5 now");
        assertNull(before.dlpar("cpu remove index 0x10000001"));
        assertNull(before.dlpar("cpu add index 0x10000000"));
        assertEquals("0", before.machine.readValue(KernelPaths.cpu(1, "physical_id")), "cpu1 is core 0 now");

        Kept after = new Kept(LPAR);

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
        assertEquals("5", after.machine.readValue(KernelPaths.cpu(0, "physical_id")));
        assertEquals("0", after.machine.readValue(KernelPaths.cpu(1, "physical_id")));
        assertFalse(after.machine.isDirectory(CPUS + "/PowerPC,POWER9@1"));
        assertFalse(assigned(after.machine, "0x80000008"));
        assertFalse(after.machine.exists(KernelPaths.memoryBlock(8)));
        // The boot machine's DRC was configured (an add would be EPERM); the restored one is released.
        assertNull(after.dlpar("memory add index 0x80000008"));
    }

    @Test
    void aCoreOfTwoThreadsComesBackWithBothCpusAndTheirOwnOnlineState() throws Exception {
        SimConfig smt2 = LPAR.toBuilder().extra(PseriesProfile.THREADS, "2").build();
        Kept before = new Kept(smt2);
        assertNull(before.dlpar("cpu add index 0x10000003"));
        assertNull(before.write(KernelPaths.cpu(5, "online"), "0"));

        Kept after = new Kept(smt2);

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
        assertTrue(MachineStateFile.snapshot(after.machine).contains("core 0x10000003 6 4,5"));
        assertEquals("0-4", after.machine.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals("7", after.machine.readValue(KernelPaths.cpu(5, "physical_id")));
    }

    @Test
    void hypervisorSideOfAQemuGuestSurvives() throws Exception {
        Kept before = new Kept(PseriesProfile.qemuGuest());
        assertNull(before.machine.tree().model(PseriesHypervisor.class).plugDimm(0x8000000aL, 2));
        before.file.save(before.machine);

        Kept after = new Kept(PseriesProfile.qemuGuest());

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
        assertTrue(MachineStateFile.snapshot(after.machine).contains("drc 0x8000000a configured device"));
        assertTrue(MachineStateFile.snapshot(after.machine).contains("drc 0x10000002 unusable empty"),
                "an empty core slot stays empty");
        assertEquals("online", after.machine.readValue(KernelPaths.memoryBlock(11, "state")));
        assertEquals(Errno.EINVAL, after.dlpar("cpu add index 0x10000002"), "no core behind the slot");
    }

    @Test
    void aFileReadAsAMapAndWrittenBackSortedLoadsTheSame() throws Exception {
        Kept before = new Kept(LPAR);
        assertNull(before.dlpar("memory add count 2"));
        assertNull(before.dlpar("cpu add index 0x10000003"));
        // As tools/kill_test.py puts the boot state back: "first two words" -> rest, sorted.
        TreeMap<String, String> map = new TreeMap<>();
        for (String line : Files.readAllLines(before.file.path())) {
            String[] f = line.split(" ", 3);
            map.put(f[0] + " " + f[1], f.length > 2 ? f[2] : "");
        }
        List<String> rewritten = new ArrayList<>();
        map.forEach((k, v) -> rewritten.add(k + " " + v));
        Files.write(before.file.path(), rewritten);

        Kept after = new Kept(LPAR);

        assertEquals(MachineStateFile.snapshot(before.machine), MachineStateFile.snapshot(after.machine));
    }

    @Test
    void aFileOfFormatOneWithoutFirmwareLinesLeavesThePartitionAsItBooted() throws Exception {
        Files.writeString(dir.resolve("machine.state"), "cpu 0 1\ncpu 1 0\nmemory 8 online Normal\n");

        Kept after = new Kept(LPAR);

        assertEquals("0", after.machine.readValue(KernelPaths.cpu(1, "online")));
        assertTrue(assigned(after.machine, "0x80000008"));
        assertTrue(MachineStateFile.snapshot(after.machine).contains("format " + MachineStateFile.FORMAT));
    }

    @Test
    void aFileOfAnotherShapeOrANewerFormatIsRefusedNamingTheLine() throws Exception {
        Kept big = new Kept(PseriesProfile.lpar(2, 8, 8, 24, 2));
        SimulatedMachine small = SimulatedMachine.create(PseriesProfile.lpar(2, 8, 8, 16, 2));

        IOException shape = assertThrows(IOException.class, () -> big.file.load(small));
        assertTrue(shape.getMessage().contains("DRC 0x80000018 is not a connector of this partition"), shape.getMessage());

        Files.writeString(big.file.path(), "format 3\n");
        IOException newer = assertThrows(IOException.class, () -> big.file.load(SimulatedMachine.create(LPAR)));
        assertTrue(newer.getMessage().contains("format 3 is newer"), newer.getMessage());

        Files.writeString(big.file.path(), "lmb 0x80000008 0x8 0x0\n");
        IOException x86 = assertThrows(IOException.class, () -> big.file.load(SimulatedMachine.x86Acpi(4, 16)));
        assertTrue(x86.getMessage().contains("unknown line 'lmb 0x80000008 0x8 0x0'"), x86.getMessage());
    }
}
