package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/**
 * The undo log through the sequencer and its journal: a step killed half-way is put back exactly
 * by the rollback rebuilt from the journal, and a request forces the journal at most twice however
 * many CPUs it changes.
 */
class DurableUndoTest {

    @TempDir
    Path dir;

    private final List<Sequencer> started = new ArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        started.forEach(Sequencer::close);
    }

    private Sequencer sequencer(Path journal) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(30)), null,
                journal);
        started.add(s);
        return s;
    }

    /** CPU online files: "1" or "0" per CPU, all online at first. */
    static final class Cpus extends NullFiles {
        final Map<String, String> state = new ConcurrentHashMap<>();

        Cpus(int n) {
            IntStream.range(1, n + 1).forEach(c -> state.put(path(c), "1"));
        }

        static String path(int cpu) {
            return "/sys/devices/system/cpu/cpu" + cpu + "/online";
        }

        @Override
        public synchronized void write(String path, String value) {
            state.put(path, value);
        }

        long offline() {
            return state.values().stream().filter("0"::equals).count();
        }
    }

    /** Offlines its CPUs as the CPU handler does: plan every write, then write; stops after {@code stopAfter} writes. */
    final class CpuOffline implements HotplugHandler {
        final Cpus cpus;
        final int stopAfter;
        final CountDownLatch stopped = new CountDownLatch(1);

        CpuOffline(Cpus cpus, int stopAfter) {
            this.cpus = cpus;
            this.stopAfter = stopAfter;
        }

        @Override
        public void handle(HandlerContext context) throws HotplugException {
            List<DeviceRef> devices = context.devices("cpu");
            for (DeviceRef d : devices) {
                context.undo().plan(Cpus.path(d.numericId()), "0", "1");
            }
            int n = 0;
            for (DeviceRef d : devices) {
                if (n++ == stopAfter) {
                    stopped.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                try {
                    context.undo().write(cpus, Cpus.path(d.numericId()), "0", "1");
                } catch (SystemFileException e) {
                    throw new HotplugException(d, null, false, e.getMessage(), e);
                }
            }
        }

        @Override
        public void rollback(HandlerContext context) throws HotplugException {
            try {
                context.undo().restore(cpus);
            } catch (SystemFileException e) {
                throw new HotplugException(null, null, false, e.getMessage(), e);
            }
        }
    }

    private static HotplugRequest offline(String id, int cpus) {
        return HotplugRequest.builder(Operation.OFFLINE).id(id)
                .targets(IntStream.range(1, cpus + 1).mapToObj(DeviceRef::cpu).toList()).build();
    }

    @Test
    void aStepKilledHalfWayIsPutBackByTheUndoLogRebuiltFromTheJournal() throws Exception {
        Path journal = dir.resolve("journal.log");
        Cpus machine = new Cpus(1000);
        Sequencer crashing = sequencer(journal);
        CpuOffline halfWay = new CpuOffline(machine, 400);
        crashing.addHandler(halfWay, ScriptedHandler.props("cpu-online", "execute", 100));
        crashing.submit(offline("cut", 1000));
        halfWay.stopped.await();
        assertEquals(400, machine.offline());
        Path leftOver = dir.resolve("after-crash.log");
        Files.copy(journal, leftOver);

        Sequencer restarted = sequencer(leftOver);
        restarted.addHandler(new CpuOffline(machine, Integer.MAX_VALUE),
                ScriptedHandler.props("cpu-online", "execute", 100));
        HotplugResult result = restarted.recovery().getValue().get(0);

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
        assertEquals(0, machine.offline(), "every CPU the killed step took offline is online again");
    }

    @Test
    void aRequestForcesTheJournalAtMostTwiceForOneAndForAThousandCpus() throws Exception {
        Sequencer s = sequencer(dir.resolve("journal.log"));
        Cpus machine = new Cpus(1000);
        s.addHandler(new CpuOffline(machine, Integer.MAX_VALUE), ScriptedHandler.props("cpu-online", "execute", 100));
        s.recovery().getValue();

        long before = s.journalForces();
        assertEquals(Outcome.SUCCEEDED, s.submit(offline("one", 1)).getValue().outcome());
        long one = s.journalForces() - before;
        machine.state.replaceAll((k, v) -> "1");
        long bytes = s.journalBytes();
        assertEquals(Outcome.SUCCEEDED, s.submit(offline("thousand", 1000)).getValue().outcome());
        long thousand = s.journalForces() - before - one;

        assertTrue(one <= 2, one + " forces for 1 CPU");
        assertTrue(thousand <= 2, thousand + " forces for 1,000 CPUs");
        assertTrue(s.journalBytes() - bytes < 512 << 10, (s.journalBytes() - bytes) + " bytes for 1,000 CPUs");
    }

    @Test
    void theOutcomeIsDurableWhenThePromiseResolves() throws Exception {
        Path journal = dir.resolve("journal.log");
        Sequencer s = sequencer(journal);
        s.addHandler(new CpuOffline(new Cpus(2), Integer.MAX_VALUE), ScriptedHandler.props("cpu-online", "execute", 100));

        HotplugResult r = s.submit(offline("durable", 2)).getValue();

        Journal.Status status = s.journalStatus();
        assertNotNull(status);
        assertTrue(Files.readAllLines(journal).stream().anyMatch(l -> l.contains("\tC\tdurable\tSUCCEEDED")));
        assertEquals(Outcome.SUCCEEDED, r.outcome());
    }
}
