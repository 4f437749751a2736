package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/**
 * A restart inside commit: the journal shows the first commit step OK and the second begun, not
 * ended. Commit is never undone, so recovery runs the second again (only it) and the request ends
 * SUCCEEDED, or COMMIT_FAILED if it fails again; a restart during that roll-forward is recovered alike.
 */
class CommitRollForwardTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        started.forEach(Sequencer::close);
    }

    /** A commit handler that counts its calls and then succeeds, fails, or hangs as the process dies. */
    private final class Commit implements HotplugHandler {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final String behaviour;

        Commit(String behaviour) {
            this.behaviour = behaviour;
        }

        @Override
        public void handle(HandlerContext context) throws HotplugException {
            assertEquals(Phase.COMMIT, context.phase());
            calls.incrementAndGet();
            entered.countDown();
            if (behaviour.equals("fail")) {
                throw HotplugException.failure(DeviceRef.cpu(1), Errno.EIO, "the firmware said no again", null);
            }
            if (behaviour.equals("hang")) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static HotplugRequest add() {
        return HotplugRequest.builder(Operation.ADD).id("cut-off").target(DeviceRef.cpu(1)).build();
    }

    /** Runs the request until the second commit handler is inside its call; returns a copy of the journal then. */
    private Path crashInSecondCommit(Commit first, String name) throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = new Sequencer(SequencerSettings.defaults(), null, journal);
        started.add(crashing);
        Commit hanging = new Commit("hang");
        crashing.addHandler(first, ScriptedHandler.props("commit-a", "commit", 100));
        crashing.addHandler(hanging, ScriptedHandler.props("commit-b", "commit", 200));
        crashing.submit(add());
        hanging.entered.await();
        Path leftOver = dir.resolve(name);
        Files.copy(journal, leftOver);
        return leftOver;
    }

    private HotplugResult restart(Path journal, Commit a, Commit b) throws Exception {
        Sequencer restarted = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)),
                null, journal);
        started.add(restarted);
        restarted.addHandler(a, ScriptedHandler.props("commit-a", "commit", 100));
        restarted.addHandler(b, ScriptedHandler.props("commit-b", "commit", 200));
        List<HotplugResult> recovered = restarted.recovery().getValue();
        assertEquals(1, recovered.size());
        return recovered.get(0);
    }

    @Test
    void onlyTheCommitStepNotJournaledOkRunsAgainAndTheRequestSucceeds() throws Exception {
        Path journal = crashInSecondCommit(new Commit("ok"), "after-crash.log");

        Commit a = new Commit("ok");
        Commit b = new Commit("ok");
        HotplugResult result = restart(journal, a, b);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), String.valueOf(result.error()));
        assertEquals(0, a.calls.get(), "commit-a's step is journaled OK");
        assertEquals(1, b.calls.get());
        assertTrue(result.steps().stream().anyMatch(s -> s.handler().equals("commit-b") && s.phase() == Phase.COMMIT
                && s.status() == StepRecord.Status.OK));
    }

    @Test
    void aCommitStepThatFailsAgainEndsTheRequestCommitFailedWithItsFailure() throws Exception {
        Path journal = crashInSecondCommit(new Commit("ok"), "after-crash.log");

        Commit a = new Commit("ok");
        HotplugResult result = restart(journal, a, new Commit("fail"));

        assertEquals(Outcome.COMMIT_FAILED, result.outcome());
        assertEquals(0, a.calls.get());
        assertEquals("commit-b", result.error().handler());
        assertTrue(result.error().message().contains("the firmware said no again"), result.error().message());
    }

    @Test
    void aSecondRestartDuringTheRollForwardIsRecoveredTheSameWay() throws Exception {
        Path journal = crashInSecondCommit(new Commit("ok"), "after-crash.log");
        // The roll-forward itself is cut off: commit-b hangs again while the process dies.
        Sequencer second = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)),
                null, journal);
        started.add(second);
        Commit hangingAgain = new Commit("hang");
        second.addHandler(new Commit("ok"), ScriptedHandler.props("commit-a", "commit", 100));
        second.addHandler(hangingAgain, ScriptedHandler.props("commit-b", "commit", 200));
        hangingAgain.entered.await();
        Path leftOver = dir.resolve("after-second-crash.log");
        Files.copy(journal, leftOver);

        Commit a = new Commit("ok");
        Commit b = new Commit("ok");
        HotplugResult result = restart(leftOver, a, b);

        assertEquals(Outcome.SUCCEEDED, result.outcome(), String.valueOf(result.error()));
        assertEquals(0, a.calls.get());
        assertEquals(1, b.calls.get());
    }

    @Test
    void aCommitHandlerThatStaysMissingLeavesTheRequestInDoubt() throws Exception {
        Path journal = crashInSecondCommit(new Commit("ok"), "after-crash.log");
        Sequencer restarted = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofMillis(50)),
                null, journal);
        started.add(restarted);
        restarted.addHandler(new Commit("ok"), ScriptedHandler.props("commit-a", "commit", 100));

        HotplugResult result = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.IN_DOUBT, result.outcome());
        assertTrue(result.error().message().contains("[commit-b]"), result.error().message());
    }
}
