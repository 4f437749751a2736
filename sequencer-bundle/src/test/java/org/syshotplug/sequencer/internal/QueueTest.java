package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugHandler;

class QueueTest {

    private Sequencer sequencer;
    private final Gate gate = new Gate();

    @AfterEach
    void stop() {
        gate.open();
        if (sequencer != null) {
            sequencer.close();
        }
    }

    /** Counts how many calls are inside it at once, and the order requests reach it. */
    private static final class OverlapRecorder implements HotplugHandler {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger overlaps = new AtomicInteger();
        final List<String> order = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void handle(HandlerContext context) {
            if (inside.incrementAndGet() > 1) {
                overlaps.incrementAndGet();
            }
            order.add(context.request().id());
            inside.decrementAndGet();
        }
    }

    @Test
    void requestsFromEightThreadsRunStrictlyOneAtATimeInSubmissionOrder() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults().withQueueCapacity(4096));
        OverlapRecorder recorder = new OverlapRecorder();
        sequencer.addHandler(recorder, ScriptedHandler.props("validate-recorder", "validate", 100));
        sequencer.addHandler(new OverlapRecorderDelegate(recorder), ScriptedHandler.props("execute-recorder", "execute", 100));
        int threads = 8;
        int perThread = 250;
        Map<String, AtomicInteger> resolutions = new ConcurrentHashMap<>();
        CountDownLatch allResolved = new CountDownLatch(threads * perThread);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread submitter = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    String id = "t" + thread + "-" + i;
                    Promise<HotplugResult> p = sequencer.submit(HotplugRequest.builder(Operation.ONLINE)
                            .id(id).target(DeviceRef.cpu(thread)).build());
                    p.onResolve(() -> {
                        resolutions.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        allResolved.countDown();
                    });
                }
            });
            submitter.start();
            submitters.add(submitter);
        }

        go.countDown();
        for (Thread s : submitters) {
            s.join();
        }
        assertTrue(allResolved.await(120, TimeUnit.SECONDS), "every promise resolves");

        assertEquals(0, recorder.overlaps.get(), "no two handler calls overlapped");
        assertEquals(threads * perThread, resolutions.size());
        assertTrue(resolutions.values().stream().allMatch(n -> n.get() == 1), "each promise resolved exactly once");
        List<String> order = List.copyOf(recorder.order);
        assertEquals(2 * threads * perThread, order.size());
        for (int t = 0; t < threads; t++) {
            String prefix = "t" + t + "-";
            List<Integer> seen = order.stream().filter(id -> id.startsWith(prefix))
                    .map(id -> Integer.parseInt(id.substring(prefix.length()))).distinct().toList();
            List<Integer> sorted = new ArrayList<>(seen);
            Collections.sort(sorted);
            assertEquals(sorted, seen, "thread " + t + "'s requests ran in the order it submitted them");
        }
        assertTrue(sequencer.history(10_000).stream().allMatch(r -> r.outcome() == Outcome.SUCCEEDED));
    }

    /** The same recorder in the execute phase, so overlap across phases would be seen too. */
    private static final class OverlapRecorderDelegate implements HotplugHandler {
        private final OverlapRecorder recorder;

        OverlapRecorderDelegate(OverlapRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void handle(HandlerContext context) {
            recorder.handle(context);
        }
    }

    @Test
    void fullQueueRejectsAtOnceWithAClearMessage() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults().withQueueCapacity(2));
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        Promise<HotplugResult> running = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1)));
        gate.awaitEntered();
        Promise<HotplugResult> second = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));
        Promise<HotplugResult> third = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3)));

        Promise<HotplugResult> overflow = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(4)));

        assertTrue(overflow.isDone(), "rejected at once, not queued");
        assertEquals(Outcome.REJECTED, overflow.getValue().outcome());
        assertTrue(overflow.getValue().error().message().contains("queue is full"), overflow.getValue().error().message());
        assertFalse(second.isDone());
        gate.open();
        assertEquals(Outcome.SUCCEEDED, running.getValue().outcome());
        assertEquals(Outcome.SUCCEEDED, second.getValue().outcome());
        assertEquals(Outcome.SUCCEEDED, third.getValue().outcome());
    }

    @Test
    void cancelOfAQueuedRequestResolvesItCancelledAndNothingOfItRuns() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults());
        ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        sequencer.addHandler(new ScriptedHandler("recorder", journal), ScriptedHandler.props("recorder", "validate", 100));
        HotplugRequest first = HotplugRequest.builder(Operation.OFFLINE).id("first").target(DeviceRef.cpu(1)).build();
        HotplugRequest queued = HotplugRequest.builder(Operation.OFFLINE).id("queued").target(DeviceRef.cpu(2)).build();
        Promise<HotplugResult> running = sequencer.submit(first);
        gate.awaitEntered();
        Promise<HotplugResult> waiting = sequencer.submit(queued);

        assertEquals(List.of(RequestStatus.State.RUNNING, RequestStatus.State.QUEUED),
                sequencer.requests().stream().map(RequestStatus::state).toList());
        boolean cancelled = sequencer.cancel("queued");

        assertTrue(cancelled);
        assertTrue(waiting.isDone());
        assertEquals(Outcome.CANCELLED, waiting.getValue().outcome());
        assertFalse(sequencer.cancel("first"), "a running request is never interrupted");
        gate.open();
        assertEquals(Outcome.SUCCEEDED, running.getValue().outcome());
        assertEquals(List.of("validate:recorder"), journal.entries(), "only the first request ran");
        assertEquals(List.of("first", "queued"),
                sequencer.history(10).stream().map(HotplugResult::requestId).sorted().toList());
    }

    @Test
    void duplicateIdOfAQueuedRequestIsRejected() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults());
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        Promise<HotplugResult> first = sequencer.submit(HotplugRequest.builder(Operation.ONLINE).id("same")
                .target(DeviceRef.cpu(1)).build());
        gate.awaitEntered();

        HotplugResult again = sequencer.submit(HotplugRequest.builder(Operation.ONLINE).id("same")
                .target(DeviceRef.cpu(2)).build()).getValue();

        assertEquals(Outcome.REJECTED, again.outcome());
        assertTrue(again.error().message().contains("same"));
        gate.open();
        assertEquals(Outcome.SUCCEEDED, first.getValue().outcome());
    }

    @Test
    void closeAbortsQueuedRequests() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults());
        sequencer.addHandler(gate, ScriptedHandler.props("gate", "execute", 100));
        Promise<HotplugResult> running = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1)));
        gate.awaitEntered();
        Promise<HotplugResult> queued = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));
        Thread closer = new Thread(sequencer::close);

        closer.start();
        assertEquals(Outcome.ABORTED, queued.getValue().outcome());
        gate.open();
        closer.join();

        assertEquals(Outcome.SUCCEEDED, running.getValue().outcome());
        assertEquals(Outcome.REJECTED,
                sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3))).getValue().outcome());
    }
}
