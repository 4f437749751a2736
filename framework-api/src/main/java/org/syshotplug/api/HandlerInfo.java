package org.syshotplug.api;

import java.util.List;
import java.util.Set;

/**
 * A handler as the sequencer sees it: where it sits in the chain and how it has behaved.
 *
 * @param operations the operations it takes part in (all four when it declares none)
 * @param devices    the device types it cares about (empty: all)
 * @param quarantine why it is quarantined, or null when it is not
 */
public record HandlerInfo(String name, String bundle, long serviceId, Phase phase, int priority, int ranking,
        Set<Operation> operations, List<String> devices, long calls, long failures, String quarantine) {

    public HandlerInfo {
        operations = Set.copyOf(operations);
        devices = List.copyOf(devices);
    }

    public boolean quarantined() {
        return quarantine != null;
    }
}
