package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;

/** What a restart reports about interrupted requests is posted as outcome events, as a live request's is. */
class RecoveryEventsTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        started.forEach(Sequencer::close);
    }

    @Test
    void restartPostsRolledBackForTheInterruptedRequestAndAbortedForTheQueuedOne() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = new Sequencer(SequencerSettings.defaults(), null, journal);
        started.add(crashing);
        crashing.addHandler(new ScriptedHandler("cpu-online", new ScriptedHandler.Journal()),
                ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        crashing.submit(HotplugRequest.builder(Operation.OFFLINE).id("interrupted").target(DeviceRef.cpu(1)).build());
        gate.awaitEntered();
        crashing.submit(HotplugRequest.builder(Operation.OFFLINE).id("waiting").target(DeviceRef.cpu(2)).build());
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);
        List<String> events = new CopyOnWriteArrayList<>();

        Sequencer restarted = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)),
                (topic, properties) -> events.add(properties.get(HotplugEvents.REQUEST_ID) + " " + topic), leftOver);
        started.add(restarted);
        restarted.addHandler(new ScriptedHandler("cpu-online", new ScriptedHandler.Journal()),
                ScriptedHandler.props("cpu-online", "execute", 100));
        restarted.recovery().getValue();

        assertEquals(List.of("interrupted " + HotplugEvents.topic(Outcome.ROLLED_BACK),
                "waiting " + HotplugEvents.topic(Outcome.ABORTED)),
                events.stream().filter(e -> !e.contains(HotplugEvents.PROGRESS)).toList());
    }
}
