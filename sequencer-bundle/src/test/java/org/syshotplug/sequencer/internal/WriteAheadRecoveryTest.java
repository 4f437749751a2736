package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/** A crash half-way through an execute step: what the step wrote ahead is enough to undo it on restart. */
class WriteAheadRecoveryTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final CountDownLatch halfWay = new CountDownLatch(1);
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        started.forEach(Sequencer::close);
    }

    /** Writes ahead which CPU it is about to change, changes it, then hangs before its step ends. */
    private final class HalfWay implements HotplugHandler {
        final List<Object> rolledBack = new CopyOnWriteArrayList<>();

        @Override
        public void handle(HandlerContext context) {
            context.attributes().put("undo", "1:online:1");
            halfWay.countDown();
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void rollback(HandlerContext context) {
            rolledBack.add(context.attributes().get("undo"));
        }
    }

    @Test
    void stepInterruptedHalfWayIsRolledBackWithWhatItWroteAhead() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = new Sequencer(SequencerSettings.defaults(), null, journal);
        started.add(crashing);
        crashing.addHandler(new HalfWay(), ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.submit(HotplugRequest.builder(Operation.OFFLINE).id("interrupted").target(DeviceRef.cpu(1)).build());
        halfWay.await();
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);

        Sequencer restarted = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)),
                null, leftOver);
        started.add(restarted);
        HalfWay again = new HalfWay();
        restarted.addHandler(again, ScriptedHandler.props("cpu-online", "execute", 100));
        HotplugResult result = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertEquals(List.of("1:online:1"), again.rolledBack);
    }
}
