package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
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
import org.syshotplug.spi.HotplugHandler;

class DeadlineTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    /** Released only in cleanup: until then the wedged handler's thread stays stuck. */
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        sequencer.close();
    }

    /** Ignores interrupts, as a handler stuck in a firmware call would. */
    private final class Wedged implements HotplugHandler {
        final CountDownLatch entered = new CountDownLatch(1);

        @Override
        public void handle(HandlerContext context) {
            entered.countDown();
            while (never.getCount() > 0) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // keep blocking: this handler is wedged
                }
            }
        }
    }

    @Test
    void overrunningHandlerFailsItsStepRollsBackIsQuarantinedAndTheNextRequestCompletes() throws Exception {
        Wedged wedged = new Wedged();
        sequencer.addHandler(new ScriptedHandler("before", journal), ScriptedHandler.props("before", "execute", 100));
        sequencer.addHandler(wedged, ScriptedHandler.props("wedged", "execute", 200));
        sequencer.addHandler(new ScriptedHandler("after", journal), ScriptedHandler.props("after", "execute", 300));
        HotplugRequest first = HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.cpu(1))
                .deadline(Duration.ofSeconds(1)).build();

        HotplugResult overran = sequencer.submit(first).getValue();

        assertEquals(Outcome.ROLLED_BACK, overran.outcome());
        assertEquals(Errno.ETIMEDOUT, overran.error().errno());
        assertEquals("wedged", overran.error().handler());
        assertEquals(List.of("execute:before", "rollback:before"), journal.entries());
        HandlerInfo info = sequencer.handlers().stream().filter(h -> h.name().equals("wedged")).findFirst().orElseThrow();
        assertTrue(info.quarantined());
        assertEquals(1, info.failures());

        HotplugResult next = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.SUCCEEDED, next.outcome());
        StepRecord skipped = next.steps().stream().filter(s -> s.handler().equals("wedged")).findFirst().orElseThrow();
        assertEquals(StepRecord.Status.SKIPPED, skipped.status());
        assertTrue(skipped.error().message().contains("quarantined"), skipped.error().message());
        assertEquals(0, wedged.entered.getCount(), "the wedged handler was called in the first request");
        assertEquals(List.of("execute:before", "rollback:before", "execute:before", "execute:after"), journal.entries());
    }

    @Test
    void reRegisteringAQuarantinedHandlerLiftsTheQuarantine() throws Exception {
        Wedged wedged = new Wedged();
        sequencer.addHandler(wedged, ScriptedHandler.props("wedged", "validate", 200));
        sequencer.addHandler(new ScriptedHandler("online", journal), ScriptedHandler.props("online", "execute", 400));
        sequencer.submit(HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.cpu(1))
                .deadline(Duration.ofMillis(100)).build()).getValue();
        assertNotNull(sequencer.handlers().stream().filter(h -> h.name().equals("wedged")).findFirst().orElseThrow()
                .quarantine());

        sequencer.removeHandler(wedged);
        ScriptedHandler fresh = new ScriptedHandler("wedged", journal);
        sequencer.addHandler(fresh, ScriptedHandler.props("wedged", "validate", 200));

        assertNull(sequencer.handlers().stream().filter(h -> h.name().equals("wedged")).findFirst().orElseThrow()
                .quarantine());
        assertEquals(Outcome.SUCCEEDED,
                sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue().outcome());
    }

    @Test
    void configuredDefaultDeadlineAppliesWhenTheRequestNamesNone() throws Exception {
        sequencer.updateSettings(sequencer.settings().withHandlerDeadline(Duration.ofMillis(100)));
        sequencer.addHandler(new Wedged(), ScriptedHandler.props("wedged", "validate", 200));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1))).getValue();

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.ETIMEDOUT, result.error().errno());
    }
}
