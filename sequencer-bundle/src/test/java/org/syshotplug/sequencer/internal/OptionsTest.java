package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;

class OptionsTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private void fullChain() {
        for (String phase : List.of("validate", "execute", "commit")) {
            String name = phase.charAt(0) + "1";
            sequencer.addHandler(new ScriptedHandler(name, journal), ScriptedHandler.props(name, phase, 100));
        }
    }

    @Test
    void dryRunRunsValidateOnlyAndChangesNothing() throws Exception {
        fullChain();

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.REMOVE)
                .target(DeviceRef.cpu(1)).dryRun(true).build()).getValue();

        assertEquals(Outcome.DRY_RUN, result.outcome());
        assertEquals(List.of("validate:v1"), journal.entries());
        assertEquals(1, result.steps().size());
    }

    @Test
    void dryRunReportsAVetoAsRejected() throws Exception {
        fullChain();
        sequencer.addHandler(new ScriptedHandler("refuser", journal)
                .failingWith(HotplugException.veto(DeviceRef.cpu(0), Errno.EBUSY, "cpu0 is the boot CPU")),
                ScriptedHandler.props("refuser", "validate", 400));

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.OFFLINE)
                .target(DeviceRef.cpu(0)).dryRun(true).build()).getValue();

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(List.of("validate:v1", "validate:refuser"), journal.entries());
    }

    @Test
    void vetoRejectsBeforeAnythingExecutes() throws Exception {
        fullChain();
        sequencer.addHandler(new ScriptedHandler("policy", journal)
                .failingWith(HotplugException.overridableVeto(DeviceRef.cpu(1), "cpu1 runs pinned tasks")),
                ScriptedHandler.props("policy", "validate", 1000));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.REJECTED, result.outcome());
        assertTrue(result.error().overridable());
        assertEquals(List.of(), journal.of("execute"));
    }

    @Test
    void forceSkipsAnOverridableVetoAndRecordsItOverridden() throws Exception {
        fullChain();
        sequencer.addHandler(new ScriptedHandler("policy", journal)
                .failingWith(HotplugException.overridableVeto(DeviceRef.cpu(1), "cpu1 runs pinned tasks")),
                ScriptedHandler.props("policy", "validate", 1000));

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.OFFLINE)
                .target(DeviceRef.cpu(1)).force(true).build()).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        StepRecord policy = result.steps().stream().filter(s -> s.handler().equals("policy")).findFirst().orElseThrow();
        assertEquals(StepRecord.Status.OVERRIDDEN, policy.status());
        assertEquals(List.of("execute:e1"), journal.of("execute"));
    }

    @Test
    void forceDoesNotSkipANonOverridableVeto() throws Exception {
        fullChain();
        sequencer.addHandler(new ScriptedHandler("physics", journal)
                .failingWith(HotplugException.veto(DeviceRef.cpu(0), Errno.EPERM, "cpu0 cannot be offlined")),
                ScriptedHandler.props("physics", "validate", 400));

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.OFFLINE)
                .target(DeviceRef.cpu(0)).force(true).build()).getValue();

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.EPERM, result.error().errno());
        assertEquals(List.of(), journal.of("execute"));
    }

    @Test
    void forceNeverSkipsAnExecuteFailure() throws Exception {
        fullChain();
        sequencer.addHandler(new ScriptedHandler("overridable-at-execute", journal)
                .failingWith(HotplugException.overridableVeto(DeviceRef.cpu(1), "should not be skippable here")),
                ScriptedHandler.props("overridable-at-execute", "execute", 50));

        HotplugResult result = sequencer.submit(HotplugRequest.builder(Operation.REMOVE)
                .target(DeviceRef.cpu(1)).force(true).build()).getValue();

        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertEquals(List.of("rollback:e1"), journal.of("rollback"));
    }

    @Test
    void requestThatNoHandlerWouldCarryOutIsRejectedNotReportedDone() throws Exception {
        sequencer.addHandler(new ScriptedHandler("cpu.validate", journal), cpuOnly("cpu.validate", "validate"));
        sequencer.addHandler(new ScriptedHandler("memory.online", journal), memoryOnly("memory.online", "execute"));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.EOPNOTSUPP, result.error().errno());
        assertTrue(result.error().message().contains("nothing would change"), result.error().message());
        assertEquals(List.of("validate:cpu.validate"), journal.entries(), "validate ran, nothing executed");
    }

    private static Map<String, Object> cpuOnly(String name, String phase) {
        Map<String, Object> p = ScriptedHandler.props(name, phase, 400);
        p.put(HandlerProperties.DEVICES, new String[] {"cpu"});
        return p;
    }

    private static Map<String, Object> memoryOnly(String name, String phase) {
        Map<String, Object> p = ScriptedHandler.props(name, phase, 300);
        p.put(HandlerProperties.DEVICES, new String[] {"memory"});
        return p;
    }
}
