package org.syshotplug.sequencer.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.Progress;
import org.syshotplug.shell.ResultView;

/**
 * How a request's life is told: events while it runs, and at its end the result into the history,
 * the log, the journal, the outcome event and the caller's promise, in that order.
 */
final class Events implements StepContext.ProgressSink {

    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    /**
     * Each request's outcome line, under a name of its own: the distribution sends it to the log
     * file only, since whoever submitted the request already gets the result (a failure printed
     * once, not again as a console WARN line).
     */
    static final String OUTCOME_LOGGER = "org.syshotplug.sequencer.outcome";
    private static final Logger OUTCOMES = LoggerFactory.getLogger(OUTCOME_LOGGER);

    private final EventSink sink;
    private final Supplier<SequencerSettings> settings;
    private final Journal journal;
    // Guarded by itself.
    private final Deque<HotplugResult> history = new ArrayDeque<>();

    Events(EventSink sink, Supplier<SequencerSettings> settings, Journal journal) {
        this.sink = sink;
        this.settings = settings;
        this.journal = journal;
    }

    // ------------------------------------------------------------------ history

    /** Results read back from the journal at start, oldest first. */
    void remember(List<HotplugResult> finished) {
        synchronized (history) {
            history.addAll(finished);
            trim(settings.get().historySize());
        }
    }

    List<HotplugResult> history(int max) {
        synchronized (history) {
            List<HotplugResult> all = new ArrayList<>(history);
            int n = Math.max(0, Math.min(max, all.size()));
            return List.copyOf(all.subList(all.size() - n, all.size()));
        }
    }

    void keep(int max) {
        synchronized (history) {
            trim(max);
        }
    }

    private void trim(int max) {
        while (history.size() > max) {
            history.removeFirst();
        }
    }

    // ------------------------------------------------------------------ the end of a request

    /** Ends a request that never reached the worker. */
    void finishUnstarted(RequestRun run, Outcome outcome, HotplugError error) {
        Instant now = Instant.now();
        finish(run, new HotplugResult(run.request, outcome, run.request.targets(), List.of(), error, now, now));
    }

    void finish(RequestRun run, HotplugResult unstamped) {
        SequencerSettings s = settings.get();
        HotplugResult result = unstamped.machine().equals(s.machine()) ? unstamped : unstamped.onMachine(s.machine());
        synchronized (history) {
            if (s.historySize() > 0) {
                history.addLast(result);
                trim(s.historySize());
            }
        }
        // Formatted only for a line that will be written; devices as ranges, so a line stays short.
        if (result.outcome().isSuccess()) {
            if (OUTCOMES.isInfoEnabled()) {
                OUTCOMES.info("{}", ResultView.summary(result));
            }
        } else if (OUTCOMES.isWarnEnabled()) {
            OUTCOMES.warn("{}", ResultView.summary(result));
        }
        long seq = journal != null && run.journaled ? journal.appendCompleted(result) : -1;
        // The outcome event goes out before the promise resolves, so a caller holding the result
        // knows the event was posted. The promise waits for the outcome to be durable; the worker
        // does not (it starts the next request, whose plan force may share this one).
        try {
            postOutcome(run, result);
        } finally {
            Runnable end = () -> {
                try {
                    run.finished(result);
                } finally {
                    run.ended.countDown();
                }
            };
            if (seq >= 0) {
                journal.whenDurable(seq, end);
            } else {
                end.run();
            }
        }
    }

    private void postOutcome(RequestRun run, HotplugResult result) {
        if (sink == null) {
            return;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(HotplugEvents.OUTCOME, result.outcome().name());
        if (result.error() != null) {
            extra.put(HotplugEvents.MESSAGE, result.error().toString());
            if (result.error().handler() != null) {
                extra.put(HotplugEvents.HANDLER, result.error().handler());
            }
            if (result.error().errno() != null) {
                extra.put(HotplugEvents.ERRNO, result.error().errno().name());
            }
        }
        post(HotplugEvents.topic(result.outcome()), run, extra);
    }

    // ------------------------------------------------------------------ while it runs

    @Override
    public void progress(RequestRun run, RegisteredHandler handler, Phase phase, DeviceRef device, int done,
            int total, String message) {
        if (run.listener != null) {
            Progress p = new Progress(run.request.id(), handler.name(), phase, device, done, total, message);
            try {
                run.listener.progress(p);
            } catch (RuntimeException e) {
                LOG.warn("progress listener of request {} failed", run.request.id(), e);
            }
        }
        if (sink == null) {
            return;
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put(HotplugEvents.PHASE, phase.word());
        extra.put(HotplugEvents.HANDLER, handler.name());
        if (message != null) {
            extra.put(HotplugEvents.MESSAGE, message);
        }
        if (device != null) {
            extra.put("device", device.toString());
        }
        extra.put("done", done);
        extra.put("total", total);
        post(HotplugEvents.PROGRESS, run, extra);
    }

    void post(String topic, RequestRun run, Map<String, Object> extra) {
        if (sink == null) {
            return;
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(HotplugEvents.REQUEST_ID, run.request.id());
        props.put(HotplugEvents.OPERATION, run.request.operation().word());
        props.put(HotplugEvents.DEVICES, run.deviceNames());
        props.put(HotplugEvents.ORIGIN, run.request.origin());
        props.putAll(extra);
        try {
            sink.post(topic, Collections.unmodifiableMap(props));
        } catch (RuntimeException e) {
            LOG.warn("posting {} for request {} failed", topic, run.request.id(), e);
        }
    }
}
