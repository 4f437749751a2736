package org.syshotplug.sequencer.internal;

import java.time.Duration;
import org.syshotplug.api.HotplugResult;

/**
 * The sequencer's tunables, as the ConfigAdmin configuration {@code org.syshotplug.sequencer} sets them.
 *
 * @param queueCapacity   how many requests may wait; one more is rejected at once
 * @param handlerDeadline how long one handler call may take when the request names no deadline
 * @param trace           log every step with its duration at INFO instead of DEBUG
 * @param historySize     how many finished results {@code history} keeps
 * @param maxStuckThreads how many abandoned threads may be stuck in one handler; at that count a request
 *                        that needs the handler is refused (EAGAIN) instead of stranding one more
 * @param machine         the machine the results are stamped with ({@code SystemFiles.describe()})
 */
public record SequencerSettings(int queueCapacity, Duration handlerDeadline, boolean trace, int historySize,
        int maxStuckThreads, String machine) {

    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final long DEFAULT_HANDLER_DEADLINE_MILLIS = 30_000;
    public static final int DEFAULT_HISTORY_SIZE = 1000;
    public static final int DEFAULT_MAX_STUCK_THREADS = 4;

    public SequencerSettings {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, not " + queueCapacity);
        }
        if (handlerDeadline == null || handlerDeadline.isNegative() || handlerDeadline.isZero()) {
            throw new IllegalArgumentException("handlerDeadline must be positive, not " + handlerDeadline);
        }
        if (historySize < 0) {
            throw new IllegalArgumentException("historySize must not be negative, not " + historySize);
        }
        if (maxStuckThreads < 1) {
            throw new IllegalArgumentException("maxStuckThreads must be at least 1, not " + maxStuckThreads);
        }
        machine = machine == null || machine.isBlank() ? HotplugResult.UNKNOWN_MACHINE : machine;
    }

    public SequencerSettings(int queueCapacity, Duration handlerDeadline, boolean trace, int historySize) {
        this(queueCapacity, handlerDeadline, trace, historySize, DEFAULT_MAX_STUCK_THREADS,
                HotplugResult.UNKNOWN_MACHINE);
    }

    public static SequencerSettings defaults() {
        return new SequencerSettings(DEFAULT_QUEUE_CAPACITY, Duration.ofMillis(DEFAULT_HANDLER_DEADLINE_MILLIS),
                false, DEFAULT_HISTORY_SIZE);
    }

    public SequencerSettings withQueueCapacity(int capacity) {
        return new SequencerSettings(capacity, handlerDeadline, trace, historySize, maxStuckThreads, machine);
    }

    public SequencerSettings withHandlerDeadline(Duration deadline) {
        return new SequencerSettings(queueCapacity, deadline, trace, historySize, maxStuckThreads, machine);
    }

    public SequencerSettings withTrace(boolean on) {
        return new SequencerSettings(queueCapacity, handlerDeadline, on, historySize, maxStuckThreads, machine);
    }

    public SequencerSettings withHistorySize(int size) {
        return new SequencerSettings(queueCapacity, handlerDeadline, trace, size, maxStuckThreads, machine);
    }

    public SequencerSettings withMaxStuckThreads(int max) {
        return new SequencerSettings(queueCapacity, handlerDeadline, trace, historySize, max, machine);
    }

    public SequencerSettings withMachine(String name) {
        return new SequencerSettings(queueCapacity, handlerDeadline, trace, historySize, maxStuckThreads, name);
    }
}
