package org.syshotplug.sequencer.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.Errno;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/** A handler that writes every call into a shared journal and fails when told to. */
final class ScriptedHandler implements HotplugHandler {

    /** Calls in the order they happened, as {@code phase:name} ({@code rollback:name} for an undo). */
    static final class Journal {
        private final List<String> entries = Collections.synchronizedList(new ArrayList<>());

        void add(String entry) {
            entries.add(entry);
        }

        List<String> entries() {
            synchronized (entries) {
                return List.copyOf(entries);
            }
        }

        List<String> of(String phase) {
            return entries().stream().filter(e -> e.startsWith(phase + ":")).toList();
        }
    }

    final String name;
    private final Journal journal;
    volatile HotplugException failure;
    volatile HotplugException rollbackFailure;

    ScriptedHandler(String name, Journal journal) {
        this.name = name;
        this.journal = journal;
    }

    ScriptedHandler failingWith(HotplugException e) {
        this.failure = e;
        return this;
    }

    ScriptedHandler failingRollbackWith(HotplugException e) {
        this.rollbackFailure = e;
        return this;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        journal.add(context.phase().word() + ":" + name);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void rollback(HandlerContext context) throws HotplugException {
        journal.add("rollback:" + name);
        if (rollbackFailure != null) {
            throw rollbackFailure;
        }
    }

    static HotplugException busy(String message) {
        return HotplugException.failure(null, Errno.EBUSY, message, null);
    }

    /** Service properties as DS would give them, with a component name. */
    static Map<String, Object> props(String name, String phase, int priority) {
        Map<String, Object> p = new HashMap<>();
        p.put("component.name", name);
        p.put(HandlerProperties.PHASE, phase);
        p.put(HandlerProperties.PRIORITY, priority);
        p.put(Sequencer.BUNDLE_PROPERTY, "test.bundle");
        return p;
    }
}
