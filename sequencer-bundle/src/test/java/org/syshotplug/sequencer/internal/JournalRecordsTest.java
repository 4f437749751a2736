package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.UndoLog;

/** The journal on its own: what it writes, what a restart reads back, how often it forces, how big it gets. */
class JournalRecordsTest {

    @TempDir
    Path dir;

    private final List<Journal> opened = new ArrayList<>();
    private final AtomicInteger forces = new AtomicInteger();

    @AfterEach
    void close() {
        opened.forEach(Journal::close);
    }

    private Journal open(Path file, Journal.Options options) {
        Journal j = Journal.open(file, options.withForcer(fd -> {
            forces.incrementAndGet();
            fd.sync();
        }));
        opened.add(j);
        return j;
    }

    private Journal open(Path file) {
        return open(file, Journal.Options.defaults(1000));
    }

    private static List<DeviceRef> cpus(int n) {
        return IntStream.range(1, n + 1).mapToObj(DeviceRef::cpu).toList();
    }

    /** One request as the sequencer journals it: a handler plans one write per CPU, makes the plan durable, writes. */
    private static HotplugResult run(Journal j, String id, Operation op, List<DeviceRef> devices) {
        HotplugRequest r = HotplugRequest.builder(op).id(id).targets(devices).principal("alice").origin("shell")
                .parameter("zone", "movable").build();
        Instant t = Instant.now();
        j.queued(r, t);
        j.started(id, t);
        j.phase(id, Phase.VALIDATE, devices);
        j.step(id, new StepRecord("cpu-validate", "b", Phase.VALIDATE, devices, Duration.ofMillis(1),
                StepRecord.Status.OK, null));
        j.phase(id, Phase.EXECUTE, devices);
        UndoLog log = UndoLog.recordingTo(j.recorder(id, "cpu-online"));
        String value = op == Operation.OFFLINE ? "0" : "1";
        String undo = op == Operation.OFFLINE ? "1" : "0";
        for (DeviceRef d : devices) {
            log.plan("/sys/devices/system/cpu/cpu" + d.id() + "/online", value, undo);
        }
        for (DeviceRef d : devices) {
            try {
                log.write(new NullFiles(), "/sys/devices/system/cpu/cpu" + d.id() + "/online", value, undo);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        j.step(id, new StepRecord("cpu-online", "b", Phase.EXECUTE, devices, Duration.ofMillis(2),
                StepRecord.Status.OK, null));
        j.phase(id, Phase.COMMIT, devices);
        HotplugResult result = new HotplugResult(r, Outcome.SUCCEEDED, devices, List.of(), null, t, Instant.now(),
                "simulated x86-acpi");
        j.completed(result);
        return result;
    }

    @Test
    void finishedRequestReadsBackWithPrincipalMachineParametersAndErrors() throws Exception {
        Path file = dir.resolve("journal.log");
        Journal j = open(file);
        run(j, "one", Operation.OFFLINE, cpus(3));
        HotplugRequest r = HotplugRequest.builder(Operation.REMOVE).id("two").target(DeviceRef.of("drc", "CPU 3"))
                .principal("uid:0").build();
        j.queued(r, Instant.now());
        j.completed(new HotplugResult(r, Outcome.REJECTED, r.targets(), List.of(), new HotplugError("guard",
                DeviceRef.of("drc", "CPU 3"), Errno.EBUSY, true, "in use\tby\n100% of it"), Instant.now(),
                Instant.now(), "simulated pseries"));
        j.close();

        Journal again = open(file);
        List<HotplugResult> history = again.readback().finished;

        assertEquals(List.of("one", "two"), history.stream().map(HotplugResult::requestId).toList());
        assertEquals("alice", history.get(0).request().principal());
        assertEquals("movable", history.get(0).request().parameter("zone"));
        assertEquals(cpus(3), history.get(0).devices());
        assertEquals("simulated x86-acpi", history.get(0).machine());
        assertEquals(List.of("cpu-validate", "cpu-online"), history.get(0).steps().stream().map(StepRecord::handler)
                .toList());
        assertEquals(new HotplugError("guard", DeviceRef.of("drc", "CPU 3"), Errno.EBUSY, true,
                "in use\tby\n100% of it"), history.get(1).error());
        assertEquals("uid:0", history.get(1).request().principal());
        assertNull(again.refusal());
    }

    @Test
    void anInterruptedStepReadsBackWithWhatItPlannedAndWhatItWrote() throws Exception {
        Path file = dir.resolve("journal.log");
        Journal j = open(file);
        HotplugRequest r = HotplugRequest.builder(Operation.OFFLINE).id("cut").targets(cpus(1000)).build();
        j.queued(r, Instant.now());
        j.started("cut", Instant.now());
        j.phase("cut", Phase.EXECUTE, cpus(1000));
        UndoLog log = UndoLog.recordingTo(j.recorder("cut", "cpu-online"));
        for (int c = 1; c <= 1000; c++) {
            log.plan("/sys/devices/system/cpu/cpu" + c + "/online", "0", "1");
        }
        for (int c = 1; c <= 600; c++) {
            log.write(new NullFiles(), "/sys/devices/system/cpu/cpu" + c + "/online", "0", "1");
        }
        // The process dies here: what is on disk is what the next start sees.
        Path copy = dir.resolve("copy.log");
        Files.copy(file, copy);

        Journal.Entry e = open(copy).readback().unfinished.get(0);

        List<UndoLog.Entry> undo = e.undoEntries("cpu-online");
        assertEquals(1000, undo.size());
        assertEquals(600, undo.stream().filter(u -> u.state() == UndoLog.State.WRITTEN).count());
        assertEquals(new UndoLog.Entry("/sys/devices/system/cpu/cpu600/online", "0", "1", UndoLog.State.WRITTEN),
                undo.get(599));
        assertEquals(UndoLog.State.PLANNED, undo.get(600).state());
        assertEquals(List.of("cpu-online"), e.executedNotUndone());
        assertEquals(cpus(1000), e.devices);
    }

    @Test
    void aRequestForcesTwiceWhateverItsDeviceCount() {
        Journal j = open(dir.resolve("journal.log"));
        int atStart = forces.get();

        run(j, "one-cpu", Operation.OFFLINE, cpus(1));
        int oneCpu = forces.get() - atStart;
        run(j, "thousand", Operation.OFFLINE, cpus(1000));
        int thousand = forces.get() - atStart - oneCpu;

        assertEquals(2, oneCpu, "plan + outcome");
        assertEquals(2, thousand, "plan + outcome, not one per CPU");
        assertEquals(forces.get(), j.forces() + 1, "the journal's own count leaves out the start-up compaction's force");
    }

    @Test
    void aThousandCpuOfflineAndOnlineAddsWellUnderOneMebibyte() {
        Journal j = open(dir.resolve("journal.log"));
        long before = j.size();
        run(j, "off", Operation.OFFLINE, cpus(1000));
        long off = j.size() - before;
        run(j, "on", Operation.ONLINE, cpus(1000));
        long both = j.size() - before;
        long ten = j.size();
        run(j, "ten", Operation.OFFLINE, cpus(10));
        long perTen = j.size() - ten;

        assertTrue(both < 1 << 20, "offline+online of 1,000 CPUs wrote " + both + " bytes");
        // Linear: 1,000 CPUs cost no more than 100 times what 10 do (plus the fixed part).
        assertTrue(off < 100 * perTen + 4096, off + " bytes for 1,000 CPUs, " + perTen + " for 10");
    }

    @Test
    void waitersShareTheForceThatIsRunning() throws Exception {
        CountDownLatch inFirstForce = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        Journal j = open(dir.resolve("journal.log"), Journal.Options.defaults(10));
        j.options(Journal.Options.defaults(10).withForcer(fd -> {
            if (calls.incrementAndGet() == 1) {
                inFirstForce.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            fd.sync();
        }));
        HotplugRequest r = HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1));
        j.queued(r, Instant.now());
        Thread first = new Thread(() -> j.recorder(r.id(), "h").makeDurable());
        first.start();
        inFirstForce.await();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            j.started(r.id(), Instant.now());
            Thread t = new Thread(() -> j.recorder(r.id(), "h").makeDurable());
            waiters.add(t);
            t.start();
        }
        for (Thread t : waiters) {
            while (t.getState() != Thread.State.WAITING && t.isAlive()) {
                Thread.onSpinWait();
            }
        }
        release.countDown();
        first.join();
        for (Thread t : waiters) {
            t.join();
        }

        assertEquals(2, calls.get(), "the four waiters shared one force after the first");
    }

    @Test
    void compactionBoundsTheFileByBytesAsWellAsByCount() {
        Path file = dir.resolve("journal.log");
        Journal j = open(file, Journal.Options.defaults(1000).withMaxBytes(256 << 10));
        long largest = 0;
        for (int i = 0; i < 60; i++) {
            run(j, "r" + i, i % 2 == 0 ? Operation.OFFLINE : Operation.ONLINE, cpus(1000));
            largest = Math.max(largest, j.size());
        }
        j.close();
        Journal again = open(file);

        assertTrue(largest < 2 * (256 << 10) + (128 << 10), "file grew to " + largest + " bytes");
        assertEquals(60, again.readback().finished.size(), "finished requests are small once compacted");
        assertFalse(again.readback().finished.isEmpty());
        assertNull(again.refusal());
    }

    @Test
    void rangesAndUndoGroupsRoundTrip() {
        List<DeviceRef> devices = List.of(DeviceRef.cpu(0), DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(7),
                DeviceRef.memory(12), DeviceRef.memory(13), DeviceRef.of("drc", "CPU 3"), DeviceRef.of("drc", "1-2"),
                DeviceRef.of("acpi", "ACPI0004:00"), DeviceRef.cpu(5), DeviceRef.cpu(4));
        String text = JournalCodec.devices(devices);

        assertEquals("cpu:0..2,cpu:7,memory:12..13,drc:CPU 3,drc:1-2,acpi:ACPI0004:00,cpu:5,cpu:4", text);
        assertEquals(devices, JournalCodec.parseDevices(text));
        List<UndoLog.Entry> undo = List.of(
                new UndoLog.Entry("/sys/devices/system/cpu/cpu9/online", "0", "1", UndoLog.State.PLANNED),
                new UndoLog.Entry("/sys/devices/system/cpu/cpu10/online", "0", "1", UndoLog.State.PLANNED),
                new UndoLog.Entry("/sys/devices/system/cpu/cpu11/online", "0", "1", UndoLog.State.PLANNED),
                new UndoLog.Entry("/sys/devices/system/memory/memory3/state", "offline", "online", UndoLog.State.PLANNED));
        List<String> groups = JournalCodec.undoGroups(undo);
        assertEquals(8, groups.size());
        assertEquals(undo, JournalCodec.parseUndoGroups(groups.toArray(String[]::new), 0));
    }
}
