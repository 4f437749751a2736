package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.MachineStateFile;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * The premise of the kill test's pseries mode: on the distribution's machine with
 * {@code profile = pseries} and {@code possibleCpus = 8} (4 of 8 cores, 16 boot LMBs, LMB DRCs
 * 0x80000010.. of which the first two are assigned), adding two LMBs and a core by DRC index and
 * removing the same DRCs again leaves the state file as it booted, and the state in between survives
 * a restart. So "consistent" after a kill is a whole-file comparison with the boot state or the state
 * after the first request.
 */
class KillTestRequestsTest {
    private static final SimConfig DISTRIBUTION_PSERIES = SimConfig.builder().profile("pseries").cpus(4).possibleCpus(8)
            .memoryBlocks(16).build();
    private static final DeviceRef[] DRCS = {DeviceRef.of(DeviceRef.DRC, "0x80000012"),
        DeviceRef.of(DeviceRef.DRC, "0x80000013"), DeviceRef.of(DeviceRef.DRC, "0x10000004")};

    @TempDir
    Path dir;

    @Test
    void addingAndRemovingTheSameDrcsComesBackToTheBootStateFile() throws Exception {
        MachineStateFile file = new MachineStateFile(dir.resolve("machine.state"));
        SimulatedMachine partition = SimulatedMachine.create(DISTRIBUTION_PSERIES);
        file.save(partition);
        List<String> boot = Files.readAllLines(file.path());
        ForwardingFiles kept = new ForwardingFiles(partition) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                super.write(path, value);
                try {
                    file.save(partition);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        Sequencer sequencer = DlparChain.on(kept);
        try {
            HotplugResult added = sequencer.submit(HotplugRequest.of(Operation.ADD, DRCS)).getValue();
            assertEquals(Outcome.SUCCEEDED, added.outcome(), added.summary());
            List<String> afterAdd = Files.readAllLines(file.path());
            assertNotEquals(boot, afterAdd);
            assertTrue(afterAdd.containsAll(List.of("lmb 0x80000012 0x8 0x0", "drc 0x80000013 configured device",
                    "core 0x10000004 4 4", "cpu 4 1", "memory 39 online Normal")), afterAdd.toString());
            SimulatedMachine restarted = SimulatedMachine.create(DISTRIBUTION_PSERIES);
            file.load(restarted);
            assertEquals(MachineStateFile.snapshot(partition), MachineStateFile.snapshot(restarted));

            HotplugResult removed = sequencer.submit(HotplugRequest.of(Operation.REMOVE, DRCS)).getValue();

            assertEquals(Outcome.SUCCEEDED, removed.outcome(), removed.summary());
            assertEquals(boot, Files.readAllLines(file.path()));
        } finally {
            sequencer.close();
        }
    }
}
