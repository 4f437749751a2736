package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.StepRecord;

class DynamicHandlersTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        sequencer.close();
    }

    @Test
    void removingAHandlerWhoseRequestRunsWaitsUntilThatRequestEnds() throws Exception {
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        ScriptedHandler later = new ScriptedHandler("later", journal);
        sequencer.addHandler(later, ScriptedHandler.props("later", "execute", 200));
        Promise<HotplugResult> running = sequencer.submit(HotplugRequest.of(Operation.ADD, DeviceRef.cpu(1)));
        gate.awaitEntered();
        AtomicBoolean requestDoneWhenRemoveReturned = new AtomicBoolean();
        Thread remover = new Thread(() -> {
            sequencer.removeHandler(later);
            requestDoneWhenRemoveReturned.set(running.isDone());
        });

        remover.start();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            // The remover has taken the handler out of the live chain and is now parked on the request.
            while (remover.getState() != Thread.State.TIMED_WAITING
                    || sequencer.handlers().stream().anyMatch(h -> h.name().equals("later"))) {
                Thread.onSpinWait();
            }
        });
        assertTrue(remover.isAlive(), "removal waits while the request holding the handler runs");
        gate.open();
        remover.join();

        assertTrue(requestDoneWhenRemoveReturned.get(), "removal returned only after the request ended");
        assertEquals(Outcome.SUCCEEDED, running.getValue().outcome());
        assertEquals(List.of("execute:later"), journal.entries(), "the running request still used its snapshot");
    }

    @Test
    void requestStartingWhileAProviderStopsRunsWithoutAnyOfItsHandlers() throws Exception {
        AtomicBoolean providerActive = new AtomicBoolean(true);
        ScriptedHandler validate = new ScriptedHandler("cpu.validate", journal);
        ScriptedHandler execute = new ScriptedHandler("cpu.online", journal);
        ScriptedHandler other = new ScriptedHandler("other", journal);
        sequencer.addHandler(validate, ScriptedHandler.props("cpu.validate", "validate", 400), providerActive::get);
        sequencer.addHandler(execute, ScriptedHandler.props("cpu.online", "execute", 400), providerActive::get);
        sequencer.addHandler(other, ScriptedHandler.props("other", "execute", 1000));

        // The provider is stopping: its services are still registered, about to go one by one.
        providerActive.set(false);
        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of("execute:other"), journal.entries(),
                "neither the validate nor the execute handler of the stopping provider ran");
    }

    @Test
    void handlerRemovingItselfDuringItsCallDoesNotWaitForItself() throws Exception {
        org.syshotplug.spi.HotplugHandler[] self = new org.syshotplug.spi.HotplugHandler[1];
        self[0] = context -> sequencer.removeHandler(self[0]);
        sequencer.addHandler(self[0], ScriptedHandler.props("self-removing", "execute", 100));

        HotplugResult result = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue());

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of(), sequencer.handlers());
    }

    @Test
    void removingAHandlerNoRequestHoldsReturnsAtOnce() {
        ScriptedHandler idle = new ScriptedHandler("idle", journal);
        sequencer.addHandler(idle, ScriptedHandler.props("idle", "execute", 200));

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertTrue(sequencer.removeHandler(idle)));
        assertFalse(sequencer.removeHandler(idle));
        assertEquals(List.of(), sequencer.handlers());
    }

    @Test
    void handlerAddedWhileRequestsAreQueuedIsUsedByTheNextRequestToStart() throws Exception {
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        Promise<HotplugResult> running = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1)));
        gate.awaitEntered();
        Promise<HotplugResult> queued = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));

        sequencer.addHandler(new ScriptedHandler("newcomer", journal), ScriptedHandler.props("newcomer", "execute", 50));
        gate.open();

        List<String> firstSteps = running.getValue().steps().stream().map(StepRecord::handler).toList();
        List<String> nextSteps = queued.getValue().steps().stream().map(StepRecord::handler).toList();
        assertEquals(List.of("gate"), firstSteps);
        assertEquals(List.of("newcomer", "gate"), nextSteps);
    }

    @Test
    void malformedHandlerPropertiesAreRefusedNamingTheValue() {
        var props = ScriptedHandler.props("bad", "prepare", 100);

        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> sequencer.addHandler(new ScriptedHandler("bad", journal), props));

        assertTrue(e.getMessage().contains("prepare"), e.getMessage());
        assertEquals(List.of(), sequencer.handlers());
    }

    @Test
    void handlerInfoCountsCallsAndFailures() throws Exception {
        ScriptedHandler flaky = new ScriptedHandler("flaky", journal);
        sequencer.addHandler(flaky, ScriptedHandler.props("flaky", "execute", 100));
        sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();
        flaky.failingWith(ScriptedHandler.busy("busy now"));

        sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        var info = sequencer.handlers().get(0);
        assertEquals(2, info.calls());
        assertEquals(1, info.failures());
        assertEquals("test.bundle", info.bundle());
    }
}
