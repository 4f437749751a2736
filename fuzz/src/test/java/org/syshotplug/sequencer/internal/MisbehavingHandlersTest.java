package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

/**
 * Handlers that break the contract: throw an {@link Error} or a {@link RuntimeException} instead
 * of a HotplugException, recurse until the stack overflows, fail in rollback, or return only
 * after their deadline. Each request ends with an outcome and an error naming the handler, and
 * the next good request succeeds: a broken handler never takes the runtime down with it.
 */
class MisbehavingHandlersTest {

    /** The device that makes the broken handler misbehave; every other device is served normally. */
    private static final DeviceRef POISON = DeviceRef.cpu(666);

    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final CountingHandler good = new CountingHandler();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        sequencer.close();
    }

    /** Misbehaves in {@code phase} on the poisoned device, by throwing what {@code failure} supplies. */
    private static HotplugHandler throwingOnPoison(Supplier<Throwable> failure) {
        return new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
                if (context.devices().contains(POISON)) {
                    sneakyThrow(failure.get());
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    private HotplugResult run(DeviceRef device) throws Exception {
        return sequencer.submit(HotplugRequest.of(Operation.ONLINE, device)).getValue();
    }

    private void nextGoodRequestSucceeds() throws Exception {
        int before = good.calls.get();
        HotplugResult next = run(DeviceRef.cpu(1));
        assertEquals(Outcome.SUCCEEDED, next.outcome(), next.summary());
        assertEquals(before + 1, good.calls.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "execute", "commit"})
    void anErrorThrownByAHandlerEndsTheRequestAndTheNextOneSucceeds(String phase) throws Exception {
        sequencer.addHandler(throwingOnPoison(() -> new AssertionError("handler bug")), CountingHandler.props("broken", phase, 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult broken = run(POISON);

        Outcome expected = switch (phase) {
            case "validate" -> Outcome.REJECTED;
            case "execute" -> Outcome.ROLLED_BACK;
            default -> Outcome.COMMIT_FAILED;
        };
        assertEquals(expected, broken.outcome(), broken.summary());
        assertEquals("broken", broken.error().handler());
        assertTrue(broken.error().message().contains("AssertionError") && broken.error().message().contains("handler bug"),
                broken.error().message());
        nextGoodRequestSucceeds();
    }

    @Test
    void aRuntimeExceptionWithoutAMessageStillNamesTheHandlerAndItsType() throws Exception {
        sequencer.addHandler(throwingOnPoison(NullPointerException::new), CountingHandler.props("npe", "validate", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult broken = run(POISON);

        assertEquals(Outcome.REJECTED, broken.outcome());
        assertTrue(broken.error().message().contains("npe") && broken.error().message().contains("NullPointerException"),
                broken.error().message());
        nextGoodRequestSucceeds();
    }

    @Test
    void anOutOfMemoryErrorFromAHandlerDoesNotStopTheWorker() throws Exception {
        sequencer.addHandler(throwingOnPoison(() -> new OutOfMemoryError("simulated: Java heap space")),
                CountingHandler.props("hungry", "execute", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult broken = run(POISON);

        assertEquals(Outcome.ROLLED_BACK, broken.outcome(), broken.summary());
        assertTrue(broken.error().message().contains("OutOfMemoryError"), broken.error().message());
        nextGoodRequestSucceeds();
    }

    @Test
    void aStackOverflowInAHandlerEndsTheRequestAndTheNextOneSucceeds() throws Exception {
        sequencer.addHandler(new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
                if (context.devices().contains(POISON)) {
                    recurse(0);
                }
            }
        }, CountingHandler.props("recursive", "validate", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult broken = run(POISON);

        assertEquals(Outcome.REJECTED, broken.outcome());
        assertTrue(broken.error().message().contains("StackOverflowError"), broken.error().message());
        nextGoodRequestSucceeds();
    }

    @Test
    void anErrorInRollbackIsReportedAsRollbackFailedAndTheNextRequestSucceeds() throws Exception {
        sequencer.addHandler(new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
            }

            @Override
            public void rollback(HandlerContext context) {
                throw new IllegalStateException("rollback bug");
            }
        }, CountingHandler.props("bad-undo", "execute", 300));
        sequencer.addHandler(throwingOnPoison(() -> new RuntimeException("execute failed")),
                CountingHandler.props("failing", "execute", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult broken = run(POISON);

        assertEquals(Outcome.ROLLBACK_FAILED, broken.outcome(), broken.summary());
        assertTrue(broken.error().message().contains("rollback bug"), broken.error().message());
        nextGoodRequestSucceeds();
    }

    @Test
    void aHandlerThatReturnsOnlyAfterItsDeadlineIsQuarantinedAndTheNextRequestSucceeds() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        HotplugHandler late = new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
                entered.countDown();
                // Finishes its work regardless of interrupts, long after the deadline: a slow firmware call.
                boolean interrupted = false;
                while (true) {
                    try {
                        release.await();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                returned.countDown();
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        sequencer.addHandler(late, CountingHandler.props("late", "execute", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult overran = sequencer.submit(HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.cpu(2))
                .deadline(Duration.ofMillis(200)).build()).getValue();

        assertEquals(Outcome.ROLLED_BACK, overran.outcome(), overran.summary());
        assertEquals(Errno.ETIMEDOUT, overran.error().errno());
        assertEquals("late", overran.error().handler());
        assertTrue(entered.await(0, TimeUnit.SECONDS));

        release.countDown();
        assertTrue(returned.await(10, TimeUnit.SECONDS), "the late handler returned after all");
        nextGoodRequestSucceeds();
        assertNotNull(sequencer.handlers().stream().filter(h -> h.name().equals("late")).findFirst().orElseThrow()
                .quarantine(), "a handler that overran stays quarantined even though it returned later");
    }

    @Test
    void aThrowingProgressListenerDoesNotBreakTheRequest() throws Exception {
        sequencer.addHandler(new HotplugHandler() {
            @Override
            public void handle(HandlerContext context) {
                context.progress(context.devices().get(0), 1, 1, "done");
            }
        }, CountingHandler.props("reporting", "execute", 500));
        sequencer.addHandler(good, CountingHandler.props("good", "execute", 400));

        HotplugResult result = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3)), p -> {
            throw new IllegalStateException("listener bug");
        }).getValue();

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        nextGoodRequestSucceeds();
    }
}
