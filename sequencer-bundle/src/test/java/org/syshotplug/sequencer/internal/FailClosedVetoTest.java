package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.StepRecord;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * A handler that cannot answer has not said yes: a quarantined validate handler vetoes the
 * requests it would have checked unless they are forced, and threads stuck in a handler are
 * counted, shown and capped.
 */
class FailClosedVetoTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        sequencer.close();
    }

    /** Hangs in its first call, ignoring interrupts as a stuck firmware call would; answers at once after. */
    private final class HangsOnce implements HotplugHandler {
        final AtomicInteger calls = new AtomicInteger();
        volatile Thread stuck;

        @Override
        public void handle(HandlerContext context) {
            journal.add(context.phase().word() + ":hangs");
            if (calls.incrementAndGet() > 1) {
                return;
            }
            stuck = Thread.currentThread();
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    // still stuck
                }
            }
        }
    }

    private static Map<String, Object> cpuProps(String name, String phase, int priority) {
        Map<String, Object> p = ScriptedHandler.props(name, phase, priority);
        p.put(HandlerProperties.DEVICES, new String[] {"cpu"});
        return p;
    }

    private HotplugResult run(Operation op, boolean force) throws Exception {
        return sequencer.submit(HotplugRequest.builder(op).target(DeviceRef.cpu(1)).force(force)
                .deadline(Duration.ofMillis(200)).build()).getValue();
    }

    private HandlerInfo info(String name) {
        return sequencer.handlers().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    private HangsOnce hungValidateHandler() throws Exception {
        HangsOnce hangs = new HangsOnce();
        sequencer.addHandler(hangs, cpuProps("hangs", "validate", 100));
        sequencer.addHandler(new ScriptedHandler("exec", journal), cpuProps("exec", "execute", 400));
        HotplugResult first = run(Operation.OFFLINE, false);
        assertEquals(Outcome.REJECTED, first.outcome());
        assertEquals(Errno.ETIMEDOUT, first.error().errno());
        return hangs;
    }

    @Test
    void quarantinedValidateHandlerVetoesLaterRequestsOnItsDevicesNamingTheQuarantine() throws Exception {
        HangsOnce hangs = hungValidateHandler();

        HotplugResult later = run(Operation.OFFLINE, false);

        assertEquals(Outcome.REJECTED, later.outcome(), later.summary());
        assertEquals("hangs", later.error().handler());
        assertTrue(later.error().message().contains("quarantined"), later.error().message());
        assertTrue(later.error().message().contains("--force"), later.error().message());
        assertEquals(StepRecord.Status.FAILED, later.steps().get(0).status());
        assertEquals(1, hangs.calls.get(), "a quarantined handler is not called again");
        assertEquals(List.of(), journal.of("execute"), "nothing ran after the veto");
    }

    @Test
    void forceOverridesTheQuarantineVetoAndSaysSo() throws Exception {
        hungValidateHandler();

        for (Operation op : new Operation[] {Operation.OFFLINE, Operation.ONLINE}) {
            HotplugResult forced = run(op, true);

            assertEquals(Outcome.SUCCEEDED, forced.outcome(), forced.summary());
            StepRecord veto = forced.steps().get(0);
            assertEquals("hangs", veto.handler());
            assertEquals(StepRecord.Status.OVERRIDDEN, veto.status());
            assertTrue(veto.error().message().contains("overridden by --force"), veto.error().message());
        }
        assertEquals(List.of("execute:exec", "execute:exec"), journal.of("execute"));
    }

    @Test
    void theVetoHoldsOnlyForTheHandlersDeviceTypes() throws Exception {
        hungValidateHandler();
        sequencer.addHandler(new ScriptedHandler("mem", journal), Map.of("component.name", "mem",
                HandlerProperties.PHASE, "execute", HandlerProperties.PRIORITY, 400,
                HandlerProperties.DEVICES, new String[] {"memory"}));

        HotplugResult memory = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.memory(3))).getValue();

        assertEquals(Outcome.SUCCEEDED, memory.outcome(), memory.summary());
    }

    @Test
    void stuckThreadIsCountedShownAndForgottenWhenItReturns() throws Exception {
        HangsOnce hangs = hungValidateHandler();

        assertEquals(1, info("hangs").stuckThreads());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String table = new HotplugCommands(sequencer, List.of(), new PrintStream(out, true, StandardCharsets.UTF_8))
                .handlers();
        List<String> header = List.of(table.lines().filter(l -> l.startsWith("PHASE")).findFirst().orElseThrow()
                .split("\\s+"));
        String[] row = table.lines().filter(l -> l.contains(" hangs ")).findFirst().orElseThrow().split("\\s+");
        assertEquals("1", row[header.indexOf("STUCK")], table);

        release.countDown();
        hangs.stuck.join();

        assertEquals(0, info("hangs").stuckThreads());
    }

    @Test
    void atTheCapRequestsThatNeedTheHandlerAreRefusedInsteadOfStrandingAnotherThread() throws Exception {
        sequencer.updateSettings(sequencer.settings().withMaxStuckThreads(1));
        HangsOnce hangs = hungValidateHandler();
        // Its bundle registers it again: the quarantine is lifted, but its thread is still stuck.
        sequencer.removeHandler(hangs);
        sequencer.addHandler(hangs, cpuProps("hangs", "validate", 100));

        HotplugResult refused = run(Operation.OFFLINE, true);

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertEquals(Errno.EAGAIN, refused.error().errno());
        assertTrue(refused.error().message().contains("maxStuckThreads=1"), refused.error().message());
        assertEquals(1, hangs.calls.get(), "no new thread went into the stuck handler");
    }

    @Test
    void atTheCapAnExecuteHandlerIsRefusedBeforeAnythingIsExecuted() throws Exception {
        sequencer.updateSettings(sequencer.settings().withMaxStuckThreads(1));
        HangsOnce hangs = new HangsOnce();
        sequencer.addHandler(new ScriptedHandler("first", journal), cpuProps("first", "execute", 100));
        sequencer.addHandler(hangs, cpuProps("hangs", "execute", 200));
        assertEquals(Outcome.ROLLED_BACK, run(Operation.ONLINE, false).outcome());
        sequencer.removeHandler(hangs);
        sequencer.addHandler(hangs, cpuProps("hangs", "execute", 200));

        HotplugResult refused = run(Operation.ONLINE, false);

        assertEquals(Outcome.REJECTED, refused.outcome(), refused.summary());
        assertEquals(Errno.EAGAIN, refused.error().errno());
        assertEquals(List.of("execute:first", "execute:hangs", "rollback:first"), journal.entries());
    }
}
