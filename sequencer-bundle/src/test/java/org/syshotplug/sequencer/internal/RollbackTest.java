package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

class RollbackTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private List<ScriptedHandler> fiveExecuteHandlers() {
        List<ScriptedHandler> chain = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            ScriptedHandler h = new ScriptedHandler("e" + i, journal);
            sequencer.addHandler(h, ScriptedHandler.props("e" + i, "execute", i * 100));
            chain.add(h);
        }
        return chain;
    }

    @ParameterizedTest(name = "execute fails at step {0} of 5")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void rollbackRunsInExactReverseWhenAnyExecuteStepFails(int failingStep) throws Exception {
        List<ScriptedHandler> chain = fiveExecuteHandlers();
        chain.get(failingStep - 1).failingWith(ScriptedHandler.busy("step " + failingStep + " is busy"));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1))).getValue();

        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= failingStep; i++) {
            expected.add("execute:e" + i);
        }
        for (int i = failingStep - 1; i >= 1; i--) {
            expected.add("rollback:e" + i);
        }
        assertEquals(expected, journal.entries());
        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertEquals("e" + failingStep, result.error().handler());
        assertEquals(Errno.EBUSY, result.error().errno());
        assertEquals(failingStep - 1, result.steps().stream().filter(s -> s.phase() == Phase.ROLLBACK).count());
    }

    @Test
    void rollbackMirrorsExecuteOrderForTearDown() throws Exception {
        List<ScriptedHandler> chain = fiveExecuteHandlers();
        chain.get(0).failingWith(ScriptedHandler.busy("lowest layer refuses"));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.REMOVE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertEquals(List.of("execute:e5", "execute:e4", "execute:e3", "execute:e2", "execute:e1",
                "rollback:e2", "rollback:e3", "rollback:e4", "rollback:e5"), journal.entries());
    }

    @Test
    void failingRollbackYieldsRollbackFailedAndTheRemainingRollbacksStillRun() throws Exception {
        List<ScriptedHandler> chain = fiveExecuteHandlers();
        chain.get(4).failingWith(ScriptedHandler.busy("top refuses"));
        chain.get(2).failingRollbackWith(ScriptedHandler.busy("cannot undo e3"));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.ROLLBACK_FAILED, result.outcome());
        assertEquals(List.of("rollback:e4", "rollback:e3", "rollback:e2", "rollback:e1"), journal.of("rollback"));
        assertEquals("e3", result.error().handler());
        assertTrue(result.error().message().contains("cannot undo e3"), result.error().message());
        assertTrue(result.error().message().contains("top refuses"), result.error().message());
        StepRecord failedUndo = result.steps().stream()
                .filter(s -> s.phase() == Phase.ROLLBACK && s.status() == StepRecord.Status.FAILED).findFirst().orElseThrow();
        assertEquals("e3", failedUndo.handler());
    }

    @Test
    void commitFailureIsReportedAndNothingIsRolledBack() throws Exception {
        fiveExecuteHandlers();
        ScriptedHandler eject = new ScriptedHandler("eject", journal)
                .failingWith(ScriptedHandler.busy("firmware refused the eject"));
        sequencer.addHandler(eject, ScriptedHandler.props("eject", "commit", 100));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.COMMIT_FAILED, result.outcome());
        assertEquals(List.of(), journal.of("rollback"));
        assertEquals("eject", result.error().handler());
        assertEquals(5, journal.of("execute").size());
    }

    @Test
    void rollbackSeesTheAttributesItsOwnExecuteStored() throws Exception {
        AtomicReference<Object> seenInRollback = new AtomicReference<>();
        HotplugHandler remembering = new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
                context.attributes().put("was-online", Boolean.FALSE);
            }

            @Override
            public void rollback(HandlerContext context) {
                seenInRollback.set(context.attributes().get("was-online"));
            }
        };
        sequencer.addHandler(remembering, ScriptedHandler.props("remembering", "execute", 100));
        sequencer.addHandler(new ScriptedHandler("failing", journal).failingWith(ScriptedHandler.busy("no")),
                ScriptedHandler.props("failing", "execute", 200));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertSame(Boolean.FALSE, seenInRollback.get());
    }

    @Test
    void unexpectedRuntimeExceptionFailsTheStepWithItsMessage() throws Exception {
        fiveExecuteHandlers();
        HotplugHandler broken = context -> {
            throw new IllegalStateException("bug in handler");
        };
        sequencer.addHandler(broken, ScriptedHandler.props("broken", "execute", 250));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertTrue(result.error().message().contains("bug in handler"), result.error().message());
        assertEquals(List.of("rollback:e2", "rollback:e1"), journal.of("rollback"));
    }

    @Test
    void successfulRequestHasNoError() throws Exception {
        fiveExecuteHandlers();

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertNull(result.error());
        assertEquals(5, result.steps().size());
    }
}
