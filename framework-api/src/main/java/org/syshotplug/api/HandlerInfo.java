package org.syshotplug.api;

import java.util.List;
import java.util.Set;

/**
 * A handler as the sequencer sees it: where it sits in the chain and how it has behaved.
 *
 * @param operations   the operations it takes part in (all four when it declares none)
 * @param devices      the device types it cares about (empty: all)
 * @param quarantine   why it is quarantined, or null when it is not
 * @param stuckThreads how many threads are still inside a call of it that overran its deadline and
 *                     was abandoned (they end if the call ever returns); at the sequencer's cap,
 *                     requests that need the handler are refused rather than strand another thread
 */
public record HandlerInfo(String name, String bundle, long serviceId, Phase phase, int priority, int ranking,
        Set<Operation> operations, List<String> devices, long calls, long failures, String quarantine,
        int stuckThreads) {

    public HandlerInfo {
        operations = Set.copyOf(operations);
        devices = List.copyOf(devices);
        if (stuckThreads < 0) {
            throw new IllegalArgumentException("stuckThreads must not be negative, not " + stuckThreads);
        }
    }

    /** A handler with no stuck threads (the form of API 1.0). */
    public HandlerInfo(String name, String bundle, long serviceId, Phase phase, int priority, int ranking,
            Set<Operation> operations, List<String> devices, long calls, long failures, String quarantine) {
        this(name, bundle, serviceId, phase, priority, ranking, operations, devices, calls, failures, quarantine, 0);
    }

    public boolean quarantined() {
        return quarantine != null;
    }
}
