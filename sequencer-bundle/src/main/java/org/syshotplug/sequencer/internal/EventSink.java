package org.syshotplug.sequencer.internal;

import java.util.Map;

/**
 * Where the sequencer posts request events ({@link org.syshotplug.api.HotplugEvents} topics). Inside
 * OSGi it is EventAdmin when present; outside, whatever a test wants to observe.
 */
@FunctionalInterface
public interface EventSink {

    /** Must not block the caller: it is called on the worker thread. */
    void post(String topic, Map<String, Object> properties);
}
