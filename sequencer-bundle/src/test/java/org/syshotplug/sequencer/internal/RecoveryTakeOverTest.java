package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/**
 * Recovery calls handlers through the same invoke as requests, under the watchdog: a rollback that
 * hangs at start is taken over by a replacement worker, which finishes recovery and serves the queue.
 */
class RecoveryTakeOverTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final CountDownLatch halfWay = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        started.forEach(Sequencer::close);
    }

    /** Executes and then hangs (the crash happens meanwhile); after the restart its rollback hangs too. */
    private final class Hangs implements HotplugHandler {
        @Override
        public void handle(HandlerContext context) {
            // Written ahead, so the journal knows the step began changing the system.
            context.attributes().put("undo", "1:online:1");
            halfWay.countDown();
            hold();
        }

        @Override
        public void rollback(HandlerContext context) {
            hold();
        }

        private void hold() {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // stuck, as a firmware call would be
                }
            }
        }
    }

    @Test
    void hangingRollbackAtStartIsTakenOverAndRecoveryAndTheQueueGoOn() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = new Sequencer(SequencerSettings.defaults(), null, journal);
        started.add(crashing);
        crashing.addHandler(new Hangs(), ScriptedHandler.props("cpu-offline", "execute", 100));
        crashing.submit(HotplugRequest.builder(Operation.OFFLINE).id("executing").target(DeviceRef.cpu(1)).build());
        crashing.submit(HotplugRequest.builder(Operation.OFFLINE).id("waiting").target(DeviceRef.cpu(2)).build());
        halfWay.await();
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);

        Sequencer restarted = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofMillis(200)),
                null, leftOver);
        started.add(restarted);
        restarted.addHandler(new Hangs(), ScriptedHandler.props("cpu-offline", "execute", 100));
        List<HotplugResult> recovered = restarted.recovery().getValue();

        assertEquals(List.of("executing", "waiting"), recovered.stream().map(HotplugResult::requestId).toList());
        assertEquals(Outcome.ROLLBACK_FAILED, recovered.get(0).outcome());
        assertEquals(Errno.ETIMEDOUT, recovered.get(0).error().errno());
        assertEquals(Outcome.ABORTED, recovered.get(1).outcome());
        assertTrue(restarted.handlers().get(0).quarantined());

        restarted.addHandler(new ScriptedHandler("other", new ScriptedHandler.Journal()),
                ScriptedHandler.props("other", "execute", 200));
        HotplugResult next = restarted.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3))).getValue();

        assertEquals(Outcome.SUCCEEDED, next.outcome(), next.summary());
    }
}
