package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/**
 * Handlers run on the worker thread; when one overruns, a replacement worker finishes the request
 * from the failed step. These pin the take-over in each phase and the silence of the abandoned thread.
 */
class WatchdogTakeOverTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        sequencer.close();
    }

    /** Blocks in the chosen call until the test releases it, ignoring interrupts as a stuck firmware call would. */
    private final class Wedging implements HotplugHandler {
        final boolean inRollback;
        volatile Thread caller;

        Wedging(boolean inRollback) {
            this.inRollback = inRollback;
        }

        @Override
        public void handle(HandlerContext context) {
            journal.add(context.phase().word() + ":wedging");
            if (!inRollback) {
                hold();
            }
        }

        @Override
        public void rollback(HandlerContext context) {
            journal.add("rollback:wedging");
            if (inRollback) {
                hold();
            }
        }

        private void hold() {
            caller = Thread.currentThread();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // still stuck
                }
            }
        }
    }

    private static HotplugRequest online(String id) {
        return HotplugRequest.builder(Operation.ONLINE).id(id).target(DeviceRef.cpu(1))
                .deadline(Duration.ofMillis(200)).build();
    }

    @Test
    void overrunInRollbackFailsThatUndoAndStillUndoesTheStepsBeforeIt() throws Exception {
        sequencer.addHandler(new ScriptedHandler("first", journal), ScriptedHandler.props("first", "execute", 100));
        sequencer.addHandler(new Wedging(true), ScriptedHandler.props("wedging", "execute", 200));
        sequencer.addHandler(new ScriptedHandler("failing", journal).failingWith(ScriptedHandler.busy("no")),
                ScriptedHandler.props("failing", "execute", 300));

        HotplugResult result = sequencer.submit(online("r1")).getValue();

        assertEquals(Outcome.ROLLBACK_FAILED, result.outcome());
        assertEquals(Errno.ETIMEDOUT, result.error().errno());
        assertEquals("wedging", result.error().handler());
        assertEquals(List.of("execute:first", "execute:wedging", "execute:failing", "rollback:wedging",
                "rollback:first"), journal.entries());
        StepRecord overrun = result.steps().get(3);
        assertEquals(StepRecord.Status.FAILED, overrun.status());
        assertEquals(StepRecord.Status.OK, result.steps().get(4).status());
    }

    @Test
    void overrunInCommitEndsCommitFailedWithoutRollingBack() throws Exception {
        sequencer.addHandler(new ScriptedHandler("online", journal), ScriptedHandler.props("online", "execute", 100));
        sequencer.addHandler(new Wedging(false), ScriptedHandler.props("wedging", "commit", 100));
        sequencer.addHandler(new ScriptedHandler("later", journal), ScriptedHandler.props("later", "commit", 200));

        HotplugResult result = sequencer.submit(online("r1")).getValue();

        assertEquals(Outcome.COMMIT_FAILED, result.outcome());
        assertEquals(Errno.ETIMEDOUT, result.error().errno());
        assertEquals(List.of("execute:online", "commit:wedging"), journal.entries());
    }

    @Test
    void aWedgedHandlerReturningLateChangesNothingAndTheQueueKeepsGoing() throws Exception {
        Wedging wedging = new Wedging(false);
        sequencer.addHandler(wedging, ScriptedHandler.props("wedging", "execute", 100));
        sequencer.addHandler(new ScriptedHandler("after", journal), ScriptedHandler.props("after", "execute", 200));
        HotplugResult first = sequencer.submit(online("r1")).getValue();
        assertEquals(Outcome.ROLLED_BACK, first.outcome());

        release.countDown();
        wedging.caller.join(TimeUnit.SECONDS.toMillis(30));
        HotplugResult second = sequencer.submit(online("r2")).getValue();

        assertFalse(wedging.caller.isAlive(), "the abandoned worker ended once its handler returned");
        assertEquals(Outcome.SUCCEEDED, second.outcome());
        assertEquals(List.of("r1", "r2"), sequencer.history(10).stream().map(HotplugResult::requestId).toList());
        assertEquals(List.of("execute:wedging", "execute:after"), journal.entries());
        assertTrue(sequencer.requests().isEmpty());
    }
}
