package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.platform.testing.RecordingHandler;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * CPU 1 of this machine's real kernel, driven through the sequencer and the CPU handlers on the
 * linux platform. Guarded (root, writable sysfs), serialized by the team's live lock, and CPU 1 is
 * put back online with {@code fail} disarmed in {@code finally}.
 */
class CpuLiveTest {

    private static final Path ONLINE_MASK = Path.of("/sys/devices/system/cpu/online");

    private FileLock lock;
    private Sequencer sequencer;

    @BeforeEach
    void takeLiveLock() throws Exception {
        LiveMachine.assumeLive();
        lock = LiveMachine.lock();
        LiveMachine.restoreCpu1();
        sequencer = Chains.cpuChain(new LinuxSystemFiles(Path.of("/")));
    }

    @AfterEach
    void restoreAndRelease() throws Exception {
        try {
            if (sequencer != null) {
                sequencer.close();
            }
        } finally {
            LiveMachine.restoreCpu1();
            if (lock != null) {
                LiveMachine.release(lock);
            }
        }
    }

    @Test
    void offlineThenOnlineCpu1ThroughTheSequencerChangesTheKernelMask() throws Exception {
        try {
            HotplugResult offline = Chains.run(sequencer, HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1)));
            String maskBetween = Files.readString(ONLINE_MASK).strip();
            HotplugResult online = Chains.run(sequencer, HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1)));
            String maskAfter = Files.readString(ONLINE_MASK).strip();
            System.out.println("LIVE: ran on this kernel: " + offline.summary() + " in " + millis(offline)
                    + " ms / online mask then '" + maskBetween + "' / " + online.summary() + " in " + millis(online)
                    + " ms / online mask now '" + maskAfter + "'");

            assertEquals(Outcome.SUCCEEDED, offline.outcome(), offline.summary());
            assertFalse(CpuList.parse(maskBetween).contains(1), "online mask while CPU 1 is offline: " + maskBetween);
            assertEquals(Outcome.SUCCEEDED, online.outcome(), online.summary());
            assertTrue(CpuList.parse(maskAfter).contains(1), "online mask after: " + maskAfter);
        } finally {
            LiveMachine.restoreCpu1();
        }
    }

    @Test
    void kernelFailInjectionRollsTheWholeChainBackWithEagainNamed() throws Exception {
        int workqueueOnline = cpuhpState("workqueue:online");
        RecordingHandler application = new RecordingHandler();
        Chains.addApplication(sequencer, application, "test.application.recorder");
        try {
            Files.writeString(LiveMachine.CPU1_FAIL, Integer.toString(workqueueOnline));

            HotplugResult result = Chains.run(sequencer, HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1)));
            String cpu1Online = Files.readString(LiveMachine.CPU1_ONLINE).strip();
            System.out.println("LIVE: ran on this kernel with cpu1/hotplug/fail=" + workqueueOnline
                    + " (workqueue:online): " + result.summary() + " / cpu1/online=" + cpu1Online
                    + " / application handler calls " + application.calls);

            assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
            assertEquals(Errno.EAGAIN, result.error().errno(), result.summary());
            assertTrue(result.error().message().contains("EAGAIN") && result.error().message().contains("CPU 1"),
                    result.error().message());
            assertEquals("1", cpu1Online);
            assertEquals(List.of("execute", "rollback"), application.calls);
        } finally {
            Files.writeString(LiveMachine.CPU1_FAIL, "-1");
            LiveMachine.restoreCpu1();
        }
    }

    private static long millis(HotplugResult result) {
        return java.time.Duration.between(result.started(), result.finished()).toMillis();
    }

    /** The state number is looked up by name: it moves between kernel versions and configurations. */
    private static int cpuhpState(String name) throws Exception {
        for (CpuhpState s : CpuhpState.parseTable(Files.readString(Path.of("/sys/devices/system/cpu/hotplug/states")))) {
            if (s.name().equals(name)) {
                return s.number();
            }
        }
        throw new AssertionError("no cpuhp state named " + name + " on this kernel");
    }
}
