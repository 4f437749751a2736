package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Progress;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.ForwardingFiles;
import org.syshotplug.platform.testing.RecordingHandler;
import org.syshotplug.platform.testing.WriteFaults;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;

/** The CPU handlers in the real sequencer on the simulated x86 machine (CPU 0 has no online file). */
class CpuHandlersOnSimulatedMachineTest {

    private SimulatedMachine machine;
    private Sequencer sequencer;

    @BeforeEach
    void fourCpuMachine() {
        machine = SimulatedMachine.x86Acpi(4, 8);
        sequencer = Chains.cpuChain(machine);
    }

    @AfterEach
    void close() {
        sequencer.close();
    }

    private boolean online(int cpu) throws Exception {
        return "1".equals(machine.readValue(KernelPaths.cpu(cpu, "online")));
    }

    private HotplugResult run(Operation operation, int... cpus) throws Exception {
        HotplugRequest.Builder b = HotplugRequest.builder(operation);
        for (int cpu : cpus) {
            b.target(DeviceRef.cpu(cpu));
        }
        return Chains.run(sequencer, b.build());
    }

    @Test
    void offlineOfTwoCpusSucceedsAndReportsProgressPerCpu() throws Exception {
        List<Progress> progress = new CopyOnWriteArrayList<>();

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2), DeviceRef.cpu(3)),
                progress::add).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertFalse(online(2));
        assertFalse(online(3));
        assertEquals("0-1", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals(List.of("cpu:2 1/2", "cpu:3 2/2"), progress.stream()
                .map(p -> p.device() + " " + p.done() + "/" + p.total()).toList());
    }

    @Test
    void onliningAnOnlineCpuIsANoOpNotAnError() throws Exception {
        HotplugResult result = run(Operation.ONLINE, 1);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertTrue(online(1));
    }

    @Test
    void offliningAnOfflineCpuIsANoOpNotAnError() throws Exception {
        machine.write(KernelPaths.cpu(2, "online"), "0");

        HotplugResult result = run(Operation.OFFLINE, 2);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertFalse(online(2));
    }

    @Test
    void onlineBringsAnOfflineCpuBack() throws Exception {
        machine.write(KernelPaths.cpu(3, "online"), "0");

        HotplugResult result = run(Operation.ONLINE, 3);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertTrue(online(3));
    }

    @Test
    void unknownCpuIsRejectedWithEnodevAndNothingChanges() throws Exception {
        HotplugResult result = run(Operation.OFFLINE, 1, 99);

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals(Errno.ENODEV, result.error().errno());
        assertEquals(DeviceRef.cpu(99), result.error().device());
        assertTrue(online(1));
    }

    @Test
    void cpuWithoutOnlineFileIsRejectedAsNotHotpluggable() throws Exception {
        HotplugResult result = run(Operation.OFFLINE, 0);

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals(Errno.EPERM, result.error().errno());
        assertTrue(result.error().message().contains("not hot-pluggable"), result.error().message());
    }

    @Test
    void eachHandlerCallReadsTheCpuOnlineFileOnceAndAsksNoExistsOfIt() throws Exception {
        CountingReads counted = new CountingReads(machine);
        SystemFiles files = new ForwardingFiles(counted) {
            @Override
            public boolean exists(String path) {
                throw new AssertionError("exists asked of " + path);
            }
        };
        try (Sequencer chain = Chains.cpuChain(files)) {
            HotplugResult result = Chains.run(chain, HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2)));

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals(2, counted.reads(KernelPaths.cpu(2, "online")), "validate once, execute once");
        }
    }

    @Test
    void cpuOnlineFileThatIsThereButUnreadableRefusesTheRequestAsBefore() throws Exception {
        SystemFiles files = new ForwardingFiles(machine) {
            @Override
            public String read(String path) throws SystemFileException {
                if (path.equals(KernelPaths.cpu(2, "online"))) {
                    throw new SystemFileException(Errno.EIO, path, null);
                }
                return super.read(path);
            }
        };
        try (Sequencer chain = Chains.cpuChain(files)) {
            HotplugResult result = Chains.run(chain, HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2)));

            assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
            assertEquals(Errno.EIO, result.error().errno());
            assertTrue(result.error().message().contains("cannot read the CPU state"), result.error().message());
            assertTrue(online(2));
        }
    }

    @Test
    void onliningTheBootCpuIsANoOpThoughItHasNoOnlineFile() throws Exception {
        assertEquals(Outcome.SUCCEEDED, run(Operation.ONLINE, 0).outcome());
    }

    @Test
    void wildcardLeftUnresolvedIsRefusedWithAClearMessage() throws Exception {
        HotplugResult result = Chains.run(sequencer, HotplugRequest.builder(Operation.OFFLINE)
                .target(DeviceRef.any(DeviceRef.CPU)).parameter("count", "2").build());

        assertEquals(Outcome.REJECTED, result.outcome(), result.summary());
        assertEquals(Errno.EINVAL, result.error().errno());
        assertTrue(result.error().message().contains("cpu:* was not resolved"), result.error().message());
    }

    @Test
    void kernelEagainBecomesACleanFailureNamingTheCpuAndErrno() throws Exception {
        int workqueueOnline = stateNamed("workqueue:online");
        machine.write(KernelPaths.cpu(1, "hotplug/fail"), Integer.toString(workqueueOnline));

        HotplugResult result = run(Operation.OFFLINE, 1);

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
        assertEquals(Errno.EAGAIN, result.error().errno());
        assertEquals(DeviceRef.cpu(1), result.error().device());
        assertTrue(result.error().message().contains("CPU 1") && result.error().message().contains("EAGAIN"),
                result.error().message());
        assertTrue(online(1));
    }

    @Test
    void kernelEbusyHalfWayPutsBackTheCpusThisStepAlreadyChanged() throws Exception {
        WriteFaults files = new WriteFaults(machine).failWrites(KernelPaths.cpu(3, "online"), Errno.EBUSY);
        try (Sequencer refusing = Chains.cpuChain(files)) {
            HotplugResult result = Chains.run(refusing, HotplugRequest.of(Operation.OFFLINE,
                    DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3)));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(Errno.EBUSY, result.error().errno());
            assertEquals(DeviceRef.cpu(3), result.error().device());
            assertTrue(result.error().message().contains("CPU 3") && result.error().message().contains("EBUSY"),
                    result.error().message());
            assertTrue(online(1) && online(2) && online(3), "every CPU back online");
            assertEquals(List.of(onlineWrite(1, "0"), onlineWrite(2, "0"), onlineWrite(2, "1"), onlineWrite(1, "1")),
                    files.writes, "CPUs put back in reverse, by the failing handler itself");
        }
    }

    private static String onlineWrite(int cpu, String value) {
        return KernelPaths.cpu(cpu, "online") + "=" + value;
    }

    @Test
    void rollbackRestoresExactlyTheCpusThisRequestChangedInReverse() throws Exception {
        machine.write(KernelPaths.cpu(2, "online"), "0");
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.cpuChain(files)) {
            // Tear-down runs the chain in descending priority: a firmware handler runs after the CPUs.
            Chains.addExecute(chain, new RecordingHandler(HotplugException.failure(null, Errno.EIO,
                    "firmware refuses", null)), "test.firmware.failing", HandlerProperties.FIRMWARE_RESOURCES);

            HotplugResult result = Chains.run(chain, HotplugRequest.of(Operation.OFFLINE,
                    DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3)));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertTrue(online(1) && online(3), "CPUs 1 and 3 were offlined by this request and are back");
            assertFalse(online(2), "CPU 2 was offline before and is left alone");
            assertEquals(List.of(onlineWrite(1, "0"), onlineWrite(3, "0"), onlineWrite(3, "1"), onlineWrite(1, "1")),
                    files.writes);
        }
    }

    @Test
    void eachCpuMaskIsReadAtMostOncePerHandlerCallHoweverManyCpusTheRequestNames() throws Exception {
        CountingReads files = new CountingReads(SimulatedMachine.x86Acpi(64, 8));
        HotplugRequest.Builder b = HotplugRequest.builder(Operation.OFFLINE);
        for (int cpu = 1; cpu < 64; cpu++) {
            b.target(DeviceRef.cpu(cpu));
        }
        try (Sequencer chain = Chains.cpuChain(files)) {
            HotplugResult result = Chains.run(chain, b.build());

            assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
            assertEquals("0", files.readValue(KernelPaths.CPU_ROOT + "/online"));
            assertTrue(files.reads(KernelPaths.CPU_ROOT + "/present") <= 2, "present read by validate and execute, once each");
            assertTrue(files.reads(KernelPaths.CPU_ROOT + "/online") <= 3, "online mask read once per handler (and once here)");
            assertEquals(0, files.readsEndingWith("/hotplug/state") + files.readsEndingWith("/hotplug/target"),
                    "the cpuhp files decide nothing for a whole online or offline");
        }
    }

    @Test
    void cpuTakenOfflineFromOutsideAfterValidateIsNeitherWrittenNorPutBack() throws Exception {
        WriteFaults files = new WriteFaults(machine);
        try (Sequencer chain = Chains.cpuChain(files)) {
            // Tear-down runs the application band before the CPUs: it stands for anyone outside
            // the sequencer who offlines CPU 2 between validate and execute.
            Chains.addApplication(chain, context -> {
                try {
                    machine.write(KernelPaths.cpu(2, "online"), "0");
                } catch (SystemFileException e) {
                    throw new IllegalStateException(e);
                }
            }, "test.application.outside");
            Chains.addExecute(chain, new RecordingHandler(HotplugException.failure(null, Errno.EIO,
                    "firmware refuses", null)), "test.firmware.failing", HandlerProperties.FIRMWARE_RESOURCES);

            HotplugResult result = Chains.run(chain, HotplugRequest.of(Operation.OFFLINE,
                    DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3)));

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(List.of(onlineWrite(1, "0"), onlineWrite(3, "0"), onlineWrite(3, "1"), onlineWrite(1, "1")),
                    files.writes, "execute saw CPU 2 already offline: no write, no undo for it");
            assertFalse(online(2), "CPU 2 stays as the outside left it");
        }
    }

    /** Every CPU with an online file, as on POWER; CPU 0 already offline, 1 and 2 online. */
    private static StaticFiles allHotpluggableCpu0Offline() {
        return new StaticFiles().put(KernelPaths.CPU_ROOT + "/present", "0-2").put(KernelPaths.CPU_ROOT + "/online", "1-2")
                .put(KernelPaths.cpu(0, "online"), "0").put(KernelPaths.cpu(1, "online"), "1")
                .put(KernelPaths.cpu(2, "online"), "1");
    }

    @Test
    void lastCpuRuleCountsTheWholeRequestNotOneCpuAtATime() throws Exception {
        try (Sequencer chain = Chains.cpuChain(allHotpluggableCpu0Offline())) {
            HotplugResult one = Chains.run(chain, HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1))
                    .dryRun(true).build());
            HotplugResult both = Chains.run(chain, HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1))
                    .target(DeviceRef.cpu(2)).dryRun(true).build());

            assertEquals(Outcome.DRY_RUN, one.outcome(), one.summary());
            assertEquals(Outcome.REJECTED, both.outcome(), both.summary());
            assertEquals(Errno.EBUSY, both.error().errno());
            assertTrue(both.error().message().contains("CPUs 1-2 offline would leave no CPU online"), both.error().message());
        }
    }

    @Test
    void lastCpuRuleIgnoresCpusThatAreAlreadyOffline() throws Exception {
        try (Sequencer chain = Chains.cpuChain(allHotpluggableCpu0Offline())) {
            HotplugResult result = Chains.run(chain, HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(0))
                    .target(DeviceRef.cpu(1)).dryRun(true).build());

            assertEquals(Outcome.DRY_RUN, result.outcome(), result.summary());
        }
    }

    @Test
    void cpuInAnEmptySlotIsRejectedForOfflineAndLeftToFirmwareForAdd() throws Exception {
        SimulatedMachine withEmptySlots = SimulatedMachine.x86Acpi(SimConfig.builder().cpus(2).possibleCpus(4).memoryBlocks(2).build());
        try (Sequencer chain = Chains.cpuChain(withEmptySlots)) {
            HotplugResult offline = Chains.run(chain, HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3)));
            HotplugResult add = Chains.run(chain, HotplugRequest.of(Operation.ADD, DeviceRef.cpu(3)));

            assertEquals(Outcome.REJECTED, offline.outcome(), offline.summary());
            assertEquals(Errno.ENODEV, offline.error().errno());
            assertEquals(Outcome.ROLLED_BACK, add.outcome(), "no firmware handler made CPU 3 present: " + add.summary());
            assertEquals(Errno.ENODEV, add.error().errno());
        }
    }

    @Test
    void hostileCpuIdsNeverReachARequest() {
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("cpu:-1"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("cpu:1;rm"));
        assertThrows(IllegalArgumentException.class, () -> DeviceRef.parse("cpu:../../x"));
    }

    private int stateNamed(String name) throws Exception {
        for (CpuhpState s : CpuhpState.parseTable(machine.read(CpuTopology.STATES_TABLE))) {
            if (s.name().equals(name)) {
                return s.number();
            }
        }
        throw new AssertionError("no cpuhp state " + name);
    }
}
