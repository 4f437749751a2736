package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.shell.Principals;

/**
 * Fail closed through the sequencer: a damaged journal is reported (IN_DOUBT results, events,
 * history) and refuses state-changing requests until {@code hotplug:journal ack}; a journal that
 * cannot be written refuses them with its errno; reads and dry runs keep working.
 */
class JournalFailClosedTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        started.forEach(Sequencer::close);
    }

    /** Runs {@code start}; the lines it logged (the expected ERROR line among them) are added to {@code log}. */
    private static <T> T quietly(List<String> log, Supplier<T> start) {
        return TestLog.capture(log, start);
    }

    /** {@code s} once its recovery is done, so what recovery logs (on its own thread) is in the capture. */
    private static Sequencer recovered(Sequencer s) {
        try {
            s.recovery().getValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
        return s;
    }

    private Sequencer sequencer(Path journal, List<String> events) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(5)),
                (topic, props) -> events.add(props.get(HotplugEvents.REQUEST_ID) + " " + topic), journal);
        started.add(s);
        s.addHandler(new ScriptedHandler("e1", new ScriptedHandler.Journal()),
                ScriptedHandler.props("e1", "execute", 100));
        return s;
    }

    /** {@code hotplug:journal ack} in a Gogo session such as the control socket opens for its peer. */
    private static String ackThroughTheControlSocket(JournalCommands commands, String peer) throws Exception {
        ThreadIOImpl threadIO = new ThreadIOImpl();
        threadIO.start();
        CommandProcessorImpl processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("hotplug", commands, "journal");
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), System.err);
        try {
            session.put(Principals.SESSION_VARIABLE, peer);
            return session.execute("hotplug:journal ack").toString();
        } finally {
            session.close();
            processor.stop();
            threadIO.stop();
        }
    }

    private static HotplugRequest offline(String id) {
        return HotplugRequest.builder(Operation.OFFLINE).id(id).target(DeviceRef.cpu(1)).build();
    }

    @Test
    void damagedJournalReportsInDoubtAndRefusesChangesUntilAcknowledged() throws Exception {
        Path journal = dir.resolve("journal.log");
        List<String> events = new CopyOnWriteArrayList<>();
        Sequencer before = sequencer(journal, events);
        assertEquals(Outcome.SUCCEEDED, before.submit(offline("done")).getValue().outcome());
        before.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        before.submit(offline("running"));
        gate.awaitEntered();
        byte[] bytes = Files.readAllBytes(journal);
        // One flipped bit in the final outcome of "done".
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        bytes[text.indexOf("SUCCEEDED", text.indexOf("\tC\tdone\t")) + 2] ^= 0x01;
        Path damaged = dir.resolve("damaged.log");
        Files.write(damaged, bytes);
        events.clear();

        List<String> log = new ArrayList<>();
        Sequencer after = quietly(log, () -> recovered(sequencer(damaged, events)));
        List<HotplugResult> recovered = after.recovery().getValue();

        assertEquals(List.of("done", "running"), recovered.stream().map(HotplugResult::requestId).sorted().toList());
        assertTrue(recovered.stream().allMatch(r -> r.outcome() == Outcome.IN_DOUBT), recovered.toString());
        assertTrue(after.history(10).stream().noneMatch(r -> r.outcome() == Outcome.COMMIT_FAILED
                || r.outcome() == Outcome.SUCCEEDED), "a damaged outcome is never taken at its word");
        assertTrue(events.contains("done " + HotplugEvents.topic(Outcome.IN_DOUBT)), events.toString());
        assertTrue(events.contains("running " + HotplugEvents.topic(Outcome.IN_DOUBT)), events.toString());
        assertEquals(1, log.stream().filter(l -> l.contains("ERROR")).count(), String.join("\n", log));
        assertTrue(log.size() < 100, log.size() + " lines");

        HotplugResult refused = after.submit(offline("next")).getValue();
        assertEquals(Outcome.REJECTED, refused.outcome());
        assertEquals(Errno.EIO, refused.error().errno());
        assertTrue(refused.error().message().contains("hotplug:journal ack"), refused.error().message());
        HotplugRequest dry = HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1)).dryRun(true).build();
        assertEquals(Outcome.DRY_RUN, after.submit(dry).getValue().outcome(), "a dry run changes nothing: it runs");

        JournalCommands shell = new JournalCommands(after);
        assertTrue(shell.journal().contains("refusing state-changing requests"), shell.journal());
        assertTrue(ackThroughTheControlSocket(shell, "uid:1000").startsWith("acknowledged the damage"));
        assertTrue(new String(Files.readAllBytes(damaged), StandardCharsets.UTF_8).contains("\tK\tuid:1000\t"),
                "the journal names who acknowledged");
        assertEquals(Outcome.SUCCEEDED, after.submit(offline("after-ack")).getValue().outcome());
        assertTrue(shell.journal("ack").startsWith("nothing to acknowledge"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> shell.journal("fix"));
        assertTrue(bad.getMessage().contains("'fix'") && bad.getMessage().contains("status or ack"));
        after.close();

        Sequencer again = sequencer(damaged, events);
        again.recovery().getValue();
        assertEquals(Outcome.SUCCEEDED, again.submit(offline("later")).getValue().outcome());
        assertEquals(Outcome.IN_DOUBT, again.history(10).stream().filter(r -> r.requestId().equals("done"))
                .findFirst().orElseThrow().outcome(), "the history keeps the in-doubt outcome");
    }

    @Test
    void journalThatIsADirectoryRefusesChangesWithItsErrnoButReadsAndDryRunsWork() throws Exception {
        Path journal = dir.resolve("journal.log");
        Files.createDirectories(journal);
        List<String> log = new ArrayList<>();

        Sequencer s = quietly(log, () -> recovered(sequencer(journal, new CopyOnWriteArrayList<>())));
        HotplugResult refused = s.submit(offline("change")).getValue();

        assertEquals(Outcome.REJECTED, refused.outcome());
        assertEquals(Errno.EISDIR, refused.error().errno());
        assertTrue(refused.error().message().contains(journal.toString()), refused.error().message());
        assertEquals(Outcome.DRY_RUN, s.submit(HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1))
                .dryRun(true).build()).getValue().outcome());
        assertEquals(2, s.history(10).size(), "reads work");
        assertTrue(new JournalCommands(s).journal("status").contains("EISDIR"));
        assertEquals(1, log.stream().filter(l -> l.contains("ERROR")).count(), String.join("\n", log));
    }
}
