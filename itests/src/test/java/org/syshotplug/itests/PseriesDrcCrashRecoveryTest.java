package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;
import org.syshotplug.rtas.internal.DlparResourceHandler;
import org.syshotplug.rtas.internal.DrcAcquireHandler;
import org.syshotplug.rtas.internal.devicetree.ProcDeviceTree;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * A DLPAR add of two CPU DRCs on the simulated pseries LPAR, its process "killed" inside execute:
 * the kernel has taken the first DRC and is taking the second when the journal as it stands is
 * copied (what a SIGKILL leaves; the page cache survives it). A new engine on that journal and the
 * same machine rolls the request back through the DRC handler's undo log rebuilt from the journal:
 * both DRCs are released and no CPU of theirs is left. (The SIGKILL harness, {@code tools/kill-test.sh
 * --mode pseries}, needs the simulator to keep DRC state across processes.)
 */
class PseriesDrcCrashRecoveryTest {

    private static final DeviceRef CORE_2 = DeviceRef.of(DeviceRef.DRC, "0x10000002");
    private static final DeviceRef CORE_3 = DeviceRef.of(DeviceRef.DRC, "0x10000003");

    @TempDir
    Path dir;

    private SimulatedMachine machine;
    private final List<Sequencer> engines = new ArrayList<>();
    private final CountDownLatch inSecondAcquire = new CountDownLatch(1);
    private final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void lpar() {
        machine = SimulatedMachine.create(PseriesProfile.lpar(2, 8, 8, 24, 2));
    }

    @AfterEach
    void stop() {
        never.countDown();
        engines.forEach(Sequencer::close);
    }

    /** The machine, except that the second DLPAR acquire reaches the kernel and never comes back. */
    private SystemFiles dyingInTheSecondAcquire() {
        AtomicInteger acquires = new AtomicInteger();
        return new ForwardingFiles(machine) {
            @Override
            public void write(String path, String value) throws SystemFileException {
                boolean hang = path.equals(KernelPaths.DLPAR) && value.startsWith("cpu add")
                        && acquires.incrementAndGet() == 2;
                super.write(path, value);
                if (hang) {
                    inSecondAcquire.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }

    private Sequencer engine(SystemFiles files, Path journal) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)), null,
                journal);
        engines.add(s);
        s.addHandler(new DlparResourceHandler(files), props("org.syshotplug.rtas.resources", "validate",
                HandlerProperties.FIRMWARE_RESOURCES, new String[] {"add", "remove"}, "drc", "cpu", "memory"));
        s.addHandler(new DrcAcquireHandler(files), props("org.syshotplug.rtas.drc.acquire", "execute",
                HandlerProperties.FIRMWARE_BUS, new String[] {"add"}, "drc"));
        s.addHandler(new CpuValidateHandler(files), props("org.syshotplug.cpu.validate", "validate",
                HandlerProperties.CPU, new String[0], "cpu"));
        s.addHandler(new CpuOnlineHandler(files), props("org.syshotplug.cpu.online", "execute",
                HandlerProperties.CPU, new String[0], "cpu"));
        return s;
    }

    private static Map<String, Object> props(String name, String phase, int priority, String[] operations,
            String... devices) {
        Map<String, Object> p = new HashMap<>();
        p.put("component.name", name);
        p.put(HandlerProperties.PHASE, phase);
        p.put(HandlerProperties.PRIORITY, priority);
        p.put(HandlerProperties.DEVICES, devices);
        if (operations.length > 0) {
            p.put(HandlerProperties.OPERATIONS, operations);
        }
        p.put(Sequencer.BUNDLE_PROPERTY, "itest");
        return p;
    }

    private boolean configured(int core) {
        return new ProcDeviceTree(machine).hasNode("/cpus/PowerPC,POWER9@" + core);
    }

    @Test
    void drcsAcquiredBeforeAKillInsideExecuteAreReleasedByRecovery() throws Exception {
        Path journal = dir.resolve("journal.log");
        String cpusBefore = machine.readValue(KernelPaths.CPU_ROOT + "/online");
        Sequencer dying = engine(dyingInTheSecondAcquire(), journal);
        dying.submit(HotplugRequest.builder(Operation.ADD).id("dlpar-add").target(CORE_2).target(CORE_3).build());
        assertTrue(inSecondAcquire.await(60, TimeUnit.SECONDS), "the add reached its second acquire");
        assertTrue(configured(2) && configured(3), "the kernel has taken both DRCs");
        Path leftOver = dir.resolve("after-kill.log");
        Files.copy(journal, leftOver);

        Sequencer restarted = engine(machine, leftOver);
        HotplugResult recovered = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.ROLLED_BACK, recovered.outcome(), recovered.summary());
        assertFalse(configured(2), "DRC 0x10000002 (acquired and journaled written) released");
        assertFalse(configured(3), "DRC 0x10000003 (acquired, its written mark not journaled: in doubt) released");
        assertEquals(cpusBefore, machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void aPseriesAddAndRemoveForceTheJournalAtMostTwiceEach() throws Exception {
        Sequencer s = engine(machine, dir.resolve("journal.log"));
        s.recovery().getValue();
        for (Operation op : new Operation[] {Operation.ADD, Operation.REMOVE}) {
            long before = s.journalForces();
            HotplugResult r = s.submit(HotplugRequest.builder(op).target(CORE_2).target(CORE_3).build()).getValue();
            assertEquals(Outcome.SUCCEEDED, r.outcome(), r.summary());
            long forces = s.journalForces() - before;
            // Plan of the DRC step, plan of the CPU step, outcome: the chain's two planning steps each force once.
            assertTrue(forces <= 3, op + " forced " + forces + " times");
        }
    }
}
