package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
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
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/**
 * A crash (or power loss) while a journal line is written leaves a torn last record: it must be
 * recognised as torn and ignored, and every whole record before it must still count, including
 * those of the request that was executing.
 */
class JournalTornRecordTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        started.forEach(Sequencer::close);
    }

    private Sequencer sequencer(Path journal) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)), null,
                journal);
        started.add(s);
        return s;
    }

    /** Keeps in execute which CPU it changed, as the CPU handler does; rollback reports what it got. */
    private static final class CpuStep implements HotplugHandler {
        final List<Object> rolledBack = new CopyOnWriteArrayList<>();

        @Override
        public void handle(HandlerContext context) {
            context.attributes().put("cpu", 12);
        }

        @Override
        public void rollback(HandlerContext context) {
            rolledBack.add(context.attributes().get("cpu"));
        }
    }

    /** The journal as a crash leaves it: one request finished, one held by the gate after its first execute step. */
    private List<String> journalAtCrash() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer crashing = sequencer(journal);
        crashing.addHandler(new CpuStep(), ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.addHandler(gate, ScriptedHandler.props("gate", "execute", 200));
        crashing.addHandler(new ScriptedHandler("check", new ScriptedHandler.Journal()),
                ScriptedHandler.props("check", "validate", 100));
        crashing.submit(HotplugRequest.builder(Operation.ONLINE).id("done").target(DeviceRef.cpu(1)).build());
        gate.awaitEntered();
        gate.open();
        // "done" passed the gate; the next request stops there after cpu-online executed.
        Gate second = new Gate();
        crashing.removeHandler(gate);
        crashing.addHandler(second, ScriptedHandler.props("gate2", "execute", 200));
        crashing.submit(HotplugRequest.builder(Operation.ONLINE).id("interrupted").target(DeviceRef.cpu(12))
                .build());
        second.awaitEntered();
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        second.open();
        return lines;
    }

    private Path crashFile(List<String> wholeLines, String tornTail) throws Exception {
        Path file = dir.resolve("after-crash.log");
        Files.writeString(file, String.join("\n", wholeLines) + "\n" + tornTail, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void tornRecordAfterAnExecutedStepStillLetsRecoveryRollThatStepBack() throws Exception {
        List<String> lines = journalAtCrash();
        JournalFiles.lineWith(lines, "\tT\tinterrupted\tEXECUTE\tcpu-online");
        Path file = crashFile(lines, JournalFiles.tornDue(lines, "T\tinterrupted\tEXEC"));

        Sequencer restarted = sequencer(file);
        CpuStep cpu = new CpuStep();
        restarted.addHandler(cpu, ScriptedHandler.props("cpu-online", "execute", 100));
        List<HotplugResult> recovered = restarted.recovery().getValue();

        assertEquals(List.of("interrupted"), recovered.stream().map(HotplugResult::requestId).toList());
        assertEquals(Outcome.ROLLED_BACK, recovered.get(0).outcome());
        assertEquals(List.of(12), cpu.rolledBack, "the attributes journaled before the torn record were used");
        assertEquals(List.of("done", "interrupted"),
                restarted.history(10).stream().map(HotplugResult::requestId).toList());
    }

    @Test
    void tornRecordThatStillParsesIsNotTakenForAWholeOne() throws Exception {
        List<String> lines = journalAtCrash();
        // A phase record cut inside its device list still splits into fields and devices: cpu:12 -> cpu:1.
        String tornPhase = JournalFiles.tornDue(lines, "P\tinterrupted\tCOMMIT\tcpu:1");

        Path file = crashFile(lines, tornPhase);
        Sequencer restarted = sequencer(file);
        CpuStep cpu = new CpuStep();
        restarted.addHandler(cpu, ScriptedHandler.props("cpu-online", "execute", 100));
        HotplugResult result = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.ROLLED_BACK, result.outcome(),
                "the torn COMMIT record must not count: the request was still in execute");
        assertEquals(List.of(DeviceRef.cpu(12)), result.devices());
        assertEquals(List.of(12), cpu.rolledBack);
    }

    @Test
    void tornLastRecordIsDroppedFromTheFileSoLaterRecordsDoNotJoinIt() throws Exception {
        List<String> lines = journalAtCrash();
        Path file = crashFile(lines, JournalFiles.tornDue(lines, "C\tinterrupted\tSUCC"));

        Sequencer restarted = sequencer(file);
        restarted.addHandler(new CpuStep(), ScriptedHandler.props("cpu-online", "execute", 100));
        restarted.recovery().getValue();
        restarted.submit(HotplugRequest.builder(Operation.ONLINE).id("after").target(DeviceRef.cpu(2)).build())
                .getValue();
        restarted.close();
        Sequencer again = sequencer(file);

        assertEquals(List.of(), again.recovery().getValue());
        assertEquals(List.of("done", "interrupted", "after"),
                again.history(10).stream().map(HotplugResult::requestId).toList());
        assertTrue(Files.readAllLines(file).stream().noneMatch(l -> l.contains("SUCC") && !l.contains("SUCCEEDED")),
                "the torn bytes are gone from the file");
    }
}
