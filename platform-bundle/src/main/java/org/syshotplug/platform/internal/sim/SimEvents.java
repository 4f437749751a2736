package org.syshotplug.platform.internal.sim;

import java.util.Map;

/** Where the simulated firmware posts its events; the platform component forwards them to EventAdmin. */
@FunctionalInterface
public interface SimEvents {

    /** Posts an event on an {@link org.syshotplug.platform.PlatformEvents} topic. */
    void post(String topic, Map<String, Object> properties);
}
