package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
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
import org.syshotplug.spi.UndoLog;

/**
 * The corruption matrix on the journal itself: every case ends with each request either read back
 * exactly or reported IN_DOUBT, the damaged file kept aside byte for byte, state-changing requests
 * refused until acknowledged (also across a restart), and fewer than 100 log lines.
 */
class JournalDamageTest {

    @TempDir
    Path dir;

    private final List<Journal> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(Journal::close);
    }

    private Journal open(Path file) {
        Journal j = Journal.open(file, Journal.Options.defaults(1000));
        opened.add(j);
        return j;
    }

    /** Two finished requests ("done1", "done2") and one that was executing when the process died ("open"). */
    private Path journalWithTwoFinishedAndOneRunning() throws Exception {
        Path file = dir.resolve("journal.log");
        Journal j = open(file);
        for (String id : List.of("done1", "done2")) {
            HotplugRequest r = HotplugRequest.builder(Operation.OFFLINE).id(id).target(DeviceRef.cpu(2)).build();
            j.queued(r, Instant.now());
            j.started(id, Instant.now());
            j.phase(id, Phase.EXECUTE, r.targets());
            j.completed(new HotplugResult(r, Outcome.SUCCEEDED, r.targets(), List.of(), null, Instant.now(),
                    Instant.now(), "sim"));
        }
        HotplugRequest r = HotplugRequest.builder(Operation.OFFLINE).id("open").target(DeviceRef.cpu(3)).build();
        j.queued(r, Instant.now());
        j.started("open", Instant.now());
        j.phase("open", Phase.EXECUTE, r.targets());
        UndoLog log = UndoLog.recordingTo(j.recorder("open", "cpu-online"));
        log.write(new NullFiles(), "/sys/devices/system/cpu/cpu3/online", "0", "1");
        j.close();
        return file;
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.readAllLines(file, StandardCharsets.UTF_8);
    }

    /** Byte offset of the first line containing {@code part}. */
    private static int offsetOf(byte[] bytes, String part) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(part);
        assertTrue(at >= 0, "no " + part);
        return text.lastIndexOf('\n', at) + 1;
    }

    private record Opened(Journal journal, List<String> log) {
    }

    /** Opens the journal and keeps the lines it logged. */
    private Opened openCapturingLog(Path file) {
        List<String> log = new ArrayList<>();
        Journal j = TestLog.capture(log, () -> open(file));
        return new Opened(j, log);
    }

    private Journal corruptAndOpen(UnaryOperator<byte[]> damage, List<String> inDoubt, List<String> intact)
            throws Exception {
        Path file = journalWithTwoFinishedAndOneRunning();
        byte[] bad = damage.apply(Files.readAllBytes(file));
        Files.write(file, bad);

        Opened o = openCapturingLog(file);
        Journal j = o.journal();

        assertTrue(o.log().size() < 100, o.log().size() + " log lines");
        assertTrue(o.log().stream().allMatch(l -> l.length() < 4000), "log lines are cut");
        assertTrue(o.log().stream().anyMatch(l -> l.contains("is damaged") && l.contains("hotplug:journal ack")),
                String.join("\n", o.log()));
        List<Path> aside;
        try (Stream<Path> s = Files.list(dir)) {
            aside = s.filter(p -> p.getFileName().toString().startsWith("journal.log.corrupt-")).toList();
        }
        assertEquals(1, aside.size(), "moved aside");
        assertArrayEquals(bad, Files.readAllBytes(aside.get(0)), "kept intact");
        List<String> doubted = j.readback().inDoubt.stream().map(HotplugResult::requestId).toList();
        assertTrue(doubted.containsAll(inDoubt), "in doubt: " + doubted);
        assertTrue(j.readback().inDoubt.stream().allMatch(r -> r.outcome() == Outcome.IN_DOUBT));
        assertEquals(intact, j.readback().finished.stream().map(HotplugResult::requestId).toList());
        assertTrue(j.readback().unfinished.isEmpty(), "nothing is guessed at: no rollback from a damaged file");
        Journal.Refusal refusal = j.refusal();
        assertNotNull(refusal);
        assertEquals(Errno.EIO, refusal.errno());
        assertTrue(refusal.message().contains("hotplug:journal ack"), refusal.message());

        // A restart does not forget: the refusal stays and the in-doubt requests are history now.
        j.close();
        Journal restarted = open(file);
        assertNotNull(restarted.refusal(), "still refused after a restart");
        List<HotplugResult> history = restarted.readback().finished;
        for (String id : inDoubt) {
            assertEquals(Outcome.IN_DOUBT, history.stream().filter(r -> r.requestId().equals(id)).findFirst()
                    .orElseThrow().outcome());
        }
        assertNotNull(restarted.acknowledge("operator"));
        assertNull(restarted.refusal());
        restarted.close();
        assertNull(open(file).refusal(), "the acknowledgement is journaled");
        return restarted;
    }

    @Test
    void tornTailIsDroppedAndNothingIsInDoubt() throws Exception {
        Path file = journalWithTwoFinishedAndOneRunning();
        Files.writeString(file, JournalFiles.tornDue(lines(file), "W\topen\tcpu-onl"), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);

        Journal j = open(file);

        assertNull(j.refusal());
        assertEquals(List.of("done1", "done2"), j.readback().finished.stream().map(HotplugResult::requestId).toList());
        assertEquals("open", j.readback().unfinished.get(0).request.id());
        assertTrue(lines(file).stream().noneMatch(l -> l.endsWith("cpu-onl")), "torn bytes gone");
    }

    @Test
    void truncationInsideAnOldRecord() throws Exception {
        corruptAndOpen(b -> {
            int at = offsetOf(b, "\tS\tdone1\t");
            byte[] out = new byte[b.length - 7];
            System.arraycopy(b, 0, out, 0, at + 5);
            System.arraycopy(b, at + 12, out, at + 5, b.length - at - 12);
            return out;
        }, List.of("open"), List.of("done1", "done2"));
    }

    @Test
    void randomBytesOverTheUnfinishedRequestsRecords() throws Exception {
        corruptAndOpen(b -> {
            int from = offsetOf(b, "\tQ\topen\t");
            int to = offsetOf(b, "\tP\topen\t");
            byte[] out = b.clone();
            byte[] noise = new byte[to - from];
            new Random(42).nextBytes(noise);
            System.arraycopy(noise, 0, out, from, noise.length);
            return out;
        }, List.of("open"), List.of("done1", "done2"));
    }

    @Test
    void tenMegabyteJunkLine() throws Exception {
        corruptAndOpen(b -> {
            int at = offsetOf(b, "\tQ\tdone2\t");
            byte[] junk = new byte[10 << 20];
            new Random(7).nextBytes(junk);
            for (int i = 0; i < junk.length; i++) {
                if (junk[i] == '\n') {
                    junk[i] = 0;
                }
            }
            junk[junk.length - 1] = '\n';
            byte[] out = new byte[b.length + junk.length];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(junk, 0, out, at, junk.length);
            System.arraycopy(b, at, out, at + junk.length, b.length - at);
            return out;
        }, List.of("open"), List.of("done1", "done2"));
    }

    @Test
    void flippedByteInAFinalOutcomeIsInDoubtNotAnotherOutcome() throws Exception {
        Journal j = corruptAndOpen(b -> {
            int at = offsetOf(b, "\tC\tdone2\tSUCCEEDED");
            byte[] out = b.clone();
            int flip = new String(b, StandardCharsets.ISO_8859_1).indexOf("SUCCEEDED", at) + 3;
            out[flip] ^= 0x01;
            return out;
        }, List.of("done2", "open"), List.of("done1"));
        assertFalse(j.readback().inDoubt.stream().anyMatch(r -> r.outcome() == Outcome.COMMIT_FAILED));
    }

    @Test
    void junkAtTheEndThatIsNotTheDueRecordIsDamageNotATornTail() throws Exception {
        corruptAndOpen(b -> {
            byte[] out = Arrays.copyOf(b, b.length + 3000);
            Arrays.fill(out, b.length, out.length, (byte) 0);
            return out;
        }, List.of("open"), List.of("done1", "done2"));
    }

    @Test
    void journalPathIsADirectory() throws Exception {
        Path file = dir.resolve("journal.log");
        Files.createDirectories(file);

        Opened o = openCapturingLog(file);
        Journal j = o.journal();

        Journal.Refusal refusal = j.refusal();
        assertNotNull(refusal);
        assertEquals(Errno.EISDIR, refusal.errno());
        assertTrue(refusal.message().contains("reads still work"), refusal.message());
        assertEquals(1, o.log().size(), "one clear line: " + o.log());
        HotplugRequest r = HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1));
        j.queued(r, Instant.now());
        UndoLog log = UndoLog.recordingTo(j.recorder(r.id(), "cpu-online"));
        NullFiles kernel = new NullFiles();
        assertThrows(IllegalStateException.class,
                () -> log.write(kernel, "/sys/devices/system/cpu/cpu1/online", "0", "1"));
        assertEquals(List.of(), kernel.writes, "no kernel write without a durable undo plan");
        assertTrue(Files.isDirectory(file));
    }

    @Test
    void aForceThatFailsWhileRunningStopsTheKernelWriteAndRefusesWhatComesNext() throws Exception {
        Path file = dir.resolve("journal.log");
        Journal j = open(file);
        j.options(Journal.Options.defaults(10).withForcer(fd -> {
            throw new java.io.IOException("No space left on device");
        }));
        HotplugRequest r = HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1));
        j.queued(r, Instant.now());
        UndoLog log = UndoLog.recordingTo(j.recorder(r.id(), "cpu-online"));
        NullFiles kernel = new NullFiles();

        PrintStream err = System.err;
        System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            assertThrows(IllegalStateException.class,
                    () -> log.write(kernel, "/sys/devices/system/cpu/cpu1/online", "0", "1"));
        } finally {
            System.setErr(err);
        }

        assertEquals(List.of(), kernel.writes, "the kernel never saw a write whose undo is not on disk");
        assertNotNull(j.refusal());
        assertEquals(Errno.ENOSPC, j.refusal().errno(), j.refusal().message());
    }

    @Test
    void immutableFolderRefusesButTheHistoryIsStillRead() throws Exception {
        Path file = journalWithTwoFinishedAndOneRunning();
        assumeTrue(chattr("+i", dir), "skipped: chattr +i is not available here");
        try {
            Journal j = openCapturingLog(file).journal();

            assertNotNull(j.refusal());
            assertEquals(Errno.EPERM, j.refusal().errno(), j.refusal().message());
            assertEquals(List.of("done1", "done2"),
                    j.readback().finished.stream().map(HotplugResult::requestId).toList());
        } finally {
            chattr("-i", dir);
        }
    }

    private static boolean chattr(String flag, Path path) {
        try {
            Process p = new ProcessBuilder("chattr", flag, path.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
