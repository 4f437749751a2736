package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

class JournalTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        started.forEach(Sequencer::close);
    }

    private Sequencer sequencer(Path journal, Duration deadline) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(deadline), null, journal);
        started.add(s);
        return s;
    }

    /** Remembers in execute what its rollback needs, as a CPU handler remembers the CPU's old state. */
    private static final class Remembering implements HotplugHandler {
        final List<Object> rollbackSaw = new CopyOnWriteArrayList<>();

        @Override
        public void handle(HandlerContext context) {
            context.attributes().put("was-online", Boolean.FALSE);
            context.attributes().put("cpu", 3);
        }

        @Override
        public void rollback(HandlerContext context) {
            rollbackSaw.add(context.attributes().get("was-online"));
            rollbackSaw.add(context.attributes().get("cpu"));
        }
    }

    /**
     * What is on disk when the process dies while request {@code interrupted} (online CPU 3) is inside execute:
     * {@link Remembering} has run, the gate holds the request, and a copy of the journal is taken.
     */
    private Path journalLeftByACrashWhileCpu3Executes() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = sequencer(journal, Duration.ofSeconds(30));
        crashing.addHandler(new Remembering(), ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        crashing.submit(HotplugRequest.builder(Operation.ONLINE).id("interrupted").target(DeviceRef.cpu(3)).build());
        gate.awaitEntered();
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);
        return leftOver;
    }

    @Test
    void finishedRequestsAreReadBackIntoHistoryAfterARestart() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer before = sequencer(journal, Duration.ofSeconds(30));
        before.addHandler(new ScriptedHandler("e1", new ScriptedHandler.Journal()),
                ScriptedHandler.props("e1", "execute", 100));
        before.submit(HotplugRequest.builder(Operation.ONLINE).id("one").target(DeviceRef.cpu(1))
                .parameter("zone", "movable").build()).getValue();
        before.submit(HotplugRequest.builder(Operation.OFFLINE).id("two").target(DeviceRef.of("drc", "CPU 3"))
                .build()).getValue();
        before.close();

        Sequencer after = sequencer(journal, Duration.ofSeconds(30));

        assertEquals(List.of(), after.recovery().getValue());
        List<HotplugResult> history = after.history(10);
        assertEquals(List.of("one", "two"), history.stream().map(HotplugResult::requestId).toList());
        assertEquals("movable", history.get(0).request().parameter("zone"));
        assertEquals(List.of(DeviceRef.of("drc", "CPU 3")), history.get(1).devices());
        assertEquals(Outcome.SUCCEEDED, history.get(1).outcome());
        assertEquals("e1", history.get(1).steps().get(0).handler());
    }

    @Test
    void requestExecutingAtACrashIsRolledBackOnRestartAndAQueuedOneIsReportedAborted() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = sequencer(journal, Duration.ofSeconds(30));
        crashing.addHandler(new Remembering(), ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        crashing.submit(HotplugRequest.builder(Operation.ONLINE).id("interrupted").target(DeviceRef.cpu(3)).build());
        gate.awaitEntered();
        crashing.submit(HotplugRequest.builder(Operation.ONLINE).id("waiting").target(DeviceRef.cpu(4)).build());
        // What is on disk at this moment is what a crash would leave.
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);

        Sequencer restarted = sequencer(leftOver, Duration.ofSeconds(30));
        Remembering again = new Remembering();
        restarted.addHandler(again, ScriptedHandler.props("cpu-online", "execute", 100));
        List<HotplugResult> recovered = restarted.recovery().getValue();

        assertEquals(List.of("interrupted", "waiting"), recovered.stream().map(HotplugResult::requestId).toList());
        assertEquals(Outcome.ROLLED_BACK, recovered.get(0).outcome());
        assertEquals(List.of(Boolean.FALSE, 3), again.rollbackSaw, "rollback got what execute journaled");
        assertEquals(Outcome.ABORTED, recovered.get(1).outcome());
        assertEquals(List.of("interrupted", "waiting"),
                restarted.history(10).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void interruptedRequestWhoseHandlerStaysMissingIsReportedInDoubt() throws Exception {
        Path leftOver = journalLeftByACrashWhileCpu3Executes();

        Sequencer restarted = sequencer(leftOver, Duration.ofMillis(100));
        HotplugResult result = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.IN_DOUBT, result.outcome());
        assertTrue(result.error().message().startsWith("in doubt"), result.error().message());
        assertTrue(result.error().message().contains("cpu-online"), result.error().message());
    }

    @Test
    void stopWhileRecoveryWaitsForAHandlerKeepsTheRequestForTheNextStart() throws Exception {
        Path leftOver = journalLeftByACrashWhileCpu3Executes();
        Sequencer stoppedEarly = sequencer(leftOver, Duration.ofSeconds(30));

        stoppedEarly.close();
        Sequencer next = sequencer(leftOver, Duration.ofSeconds(30));
        Remembering cpu = new Remembering();
        next.addHandler(cpu, ScriptedHandler.props("cpu-online", "execute", 100));

        assertEquals(List.of(), stoppedEarly.recovery().getValue());
        HotplugResult result = next.recovery().getValue().get(0);
        assertEquals(Outcome.ROLLED_BACK, result.outcome());
        assertEquals(List.of(Boolean.FALSE, 3), cpu.rollbackSaw);
    }

    @Test
    void recoveredRequestsRunBeforeNewOnes() throws Exception {
        Path leftOver = journalLeftByACrashWhileCpu3Executes();

        Sequencer restarted = sequencer(leftOver, Duration.ofSeconds(30));
        HotplugResult fresh;
        var pending = restarted.submit(HotplugRequest.builder(Operation.ONLINE).id("fresh").target(DeviceRef.cpu(5)).build());
        restarted.addHandler(new Remembering(), ScriptedHandler.props("cpu-online", "execute", 100));
        fresh = pending.getValue();

        assertTrue(restarted.recovery().isDone(), "recovery finished before the new request ran");
        assertEquals(Outcome.SUCCEEDED, fresh.outcome());
        assertEquals(List.of("interrupted", "fresh"),
                restarted.history(10).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void tornLastLineIsIgnored() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer before = sequencer(journal, Duration.ofSeconds(30));
        before.submit(HotplugRequest.builder(Operation.ONLINE).id("whole").target(DeviceRef.cpu(1)).build()).getValue();
        before.close();
        Files.writeString(journal, JournalFiles.tornDue(Files.readAllLines(journal), "Q\tbroken\tonl"),
                StandardCharsets.UTF_8, StandardOpenOption.APPEND);

        Sequencer after = sequencer(journal, Duration.ofSeconds(30));

        assertEquals(List.of(), after.recovery().getValue());
        assertEquals(List.of("whole"), after.history(10).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void journalKeepsOnlyAsManyFinishedRequestsAsTheHistory() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer before = sequencer(journal, Duration.ofSeconds(30));
        for (int i = 0; i < 5; i++) {
            before.submit(HotplugRequest.builder(Operation.ONLINE).id("r" + i).target(DeviceRef.cpu(1)).build()).getValue();
        }
        before.close();

        Sequencer after = new Sequencer(SequencerSettings.defaults().withHistorySize(2), null, journal);
        started.add(after);
        after.recovery().getValue();

        assertEquals(List.of("r3", "r4"), after.history(10).stream().map(HotplugResult::requestId).toList());
        assertTrue(Files.readAllLines(journal).stream().noneMatch(l -> l.contains("r0")), "compacted on start");
    }

    @Test
    void journalStaysBoundedWhileRequestsRun() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer running = new Sequencer(SequencerSettings.defaults().withHistorySize(2), null, journal);
        started.add(running);
        for (int i = 0; i < 100; i++) {
            running.submit(HotplugRequest.builder(Operation.ONLINE).id("r" + i).target(DeviceRef.cpu(1)).build())
                    .getValue();
        }

        long requestsInFile = Files.readAllLines(journal).stream().filter(l -> l.contains("\tQ\t")).count();
        running.close();
        Sequencer after = sequencer(journal, Duration.ofSeconds(30));

        assertTrue(requestsInFile <= 2 + 64, "rewritten while running, holds " + requestsInFile + " requests");
        assertEquals(List.of("r98", "r99"), after.history(2).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void cleanStopJournalsQueuedRequestsAsAbortedSoNothingIsRecovered() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer before = sequencer(journal, Duration.ofSeconds(30));
        before.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        before.submit(HotplugRequest.builder(Operation.ONLINE).id("running").target(DeviceRef.cpu(1)).build());
        gate.awaitEntered();
        var queued = before.submit(HotplugRequest.builder(Operation.ONLINE).id("queued").target(DeviceRef.cpu(2)).build());
        Thread closer = new Thread(before::close);
        closer.start();
        assertEquals(Outcome.ABORTED, queued.getValue().outcome());
        gate.open();
        closer.join();

        Sequencer after = sequencer(journal, Duration.ofSeconds(30));

        assertEquals(List.of(), after.recovery().getValue());
        assertSame(Outcome.ABORTED, after.history(10).stream()
                .filter(r -> r.requestId().equals("queued")).findFirst().orElseThrow().outcome());
    }
}
