package org.syshotplug.sequencer.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import org.syshotplug.spi.UndoLog;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.osgi.util.promise.Deferred;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Phase;
import org.syshotplug.api.ProgressListener;
import org.syshotplug.api.RequestStatus;

/** One request from submission to its result: what it holds while it waits and while it runs. */
final class RequestRun {

    final HotplugRequest request;
    final ProgressListener listener;
    final Deferred<HotplugResult> deferred;
    final Instant submitted;
    /** Counted down once the result is out, so an unbinding handler can wait for the request to end. */
    final CountDownLatch ended = new CountDownLatch(1);

    // Set by the worker when the request starts, under the sequencer's lock.
    volatile Instant started;
    volatile long startedNanos;
    volatile Duration callDeadline;
    volatile List<RegisteredHandler> chain = List.of();
    /** The steps the request walks, shared with every request started on the same chain. */
    volatile ChainWalk.Plan plan;
    volatile Phase phase;
    /** True once the journal holds its QUEUED record, so its end is journaled too. */
    volatile boolean journaled;

    /** Told the result before the caller's promise resolves (recovery collects its results so), or null. */
    private Consumer<HotplugResult> onFinished;

    private volatile List<DeviceRef> devices;
    /** The devices as event property values, made once per device list: every progress event carries them. */
    private volatile String[] deviceNames;
    /** Derived from the targets and {@link #devices}; recomputed only when the devices change, since every handler looks. */
    private volatile Set<String> deviceTypes;
    // Made on first use: most requests of most handlers never touch them. Guarded by this.
    private Map<RegisteredHandler, Map<String, Object>> attributes;
    private Map<RegisteredHandler, UndoLog> undoLogs;

    RequestRun(HotplugRequest request, ProgressListener listener, Deferred<HotplugResult> deferred) {
        this.request = request;
        this.listener = listener;
        this.deferred = deferred;
        this.submitted = Instant.now();
        setDevices(request.targets());
    }

    /** For a request recovered from the journal: the devices as they were resolved before the restart. */
    void restoreDevices(List<DeviceRef> resolved) {
        setDevices(List.copyOf(resolved));
    }

    List<DeviceRef> devices() {
        return devices;
    }

    /**
     * The types a handler's {@code hotplug.devices} is matched against: those of the targets as
     * submitted plus those of the devices they resolved to, so a container's eject handler and the
     * CPU handler of the CPUs inside it both take part.
     */
    Set<String> deviceTypes() {
        return deviceTypes;
    }

    private void setDevices(List<DeviceRef> next) {
        Set<String> types = new LinkedHashSet<>();
        request.targets().forEach(d -> types.add(d.type()));
        next.forEach(d -> types.add(d.type()));
        deviceTypes = Collections.unmodifiableSet(types);
        deviceNames = null;
        devices = next;
    }

    /** The devices' names, shared by the events of one device list (not to be changed by receivers). */
    String[] deviceNames() {
        String[] names = deviceNames;
        if (names == null) {
            List<DeviceRef> now = devices;
            names = new String[now.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = now.get(i).toString();
            }
            deviceNames = names;
        }
        return names;
    }

    void onFinished(Consumer<HotplugResult> hook) {
        this.onFinished = hook;
    }

    /** The end: the hook, then the caller's promise. */
    void finished(HotplugResult result) {
        try {
            if (onFinished != null) {
                onFinished.accept(result);
            }
        } finally {
            deferred.resolve(result);
        }
    }

    synchronized void resolve(DeviceRef target, Collection<DeviceRef> resolved) {
        List<DeviceRef> now = devices;
        int at = now.indexOf(target);
        if (at < 0) {
            throw new IllegalArgumentException("cannot resolve " + target + ": it is not among the request's devices " + now);
        }
        List<DeviceRef> next = new ArrayList<>(now.subList(0, at));
        for (DeviceRef d : checked(resolved)) {
            if (!next.contains(d) && !now.subList(at + 1, now.size()).contains(d)) {
                next.add(d);
            }
        }
        next.addAll(now.subList(at + 1, now.size()));
        setDevices(List.copyOf(next));
    }

    synchronized void addDevices(Collection<DeviceRef> more) {
        List<DeviceRef> next = new ArrayList<>(devices);
        for (DeviceRef d : checked(more)) {
            if (!next.contains(d)) {
                next.add(d);
            }
        }
        setDevices(List.copyOf(next));
    }

    /** The handler's undo log for this request, kept in memory only (no journal). */
    UndoLog undoLog(RegisteredHandler handler) {
        return undoLog(handler, UndoLog::inMemory);
    }

    /**
     * The handler's undo log for this request, made by {@code fresh} on first use (recording into the
     * journal); execute and rollback of one request see the same log.
     */
    synchronized UndoLog undoLog(RegisteredHandler handler, Supplier<UndoLog> fresh) {
        if (undoLogs == null) {
            undoLogs = new IdentityHashMap<>(4);
        }
        return undoLogs.computeIfAbsent(handler, h -> fresh.get());
    }

    /** For a request recovered from the journal: the handler's undo log as rebuilt from it. */
    synchronized void restoreUndoLog(RegisteredHandler handler, UndoLog log) {
        if (undoLogs == null) {
            undoLogs = new IdentityHashMap<>(4);
        }
        undoLogs.put(handler, log);
    }

    /** This handler's scratch space for this request, the same map in execute and in rollback. */
    synchronized Map<String, Object> attributes(RegisteredHandler handler) {
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        return attributes.computeIfAbsent(handler, h -> new ConcurrentHashMap<>());
    }

    /**
     * The longest the request can still hold its chain: every call is bounded by the call deadline,
     * and each handler is called at most twice (execute and rollback).
     */
    Duration maxRuntime() {
        Duration d = callDeadline == null ? Duration.ZERO : callDeadline;
        return d.multipliedBy(2L * chain.size() + 1);
    }

    RequestStatus status() {
        return started == null
                ? new RequestStatus(request, RequestStatus.State.QUEUED, null, submitted, null)
                : new RequestStatus(request, RequestStatus.State.RUNNING, phase, submitted, started);
    }

    private static List<DeviceRef> checked(Collection<DeviceRef> devices) {
        if (devices == null) {
            throw new IllegalArgumentException("device collection is null");
        }
        List<DeviceRef> out = new ArrayList<>(devices.size());
        for (DeviceRef d : devices) {
            if (d == null) {
                throw new IllegalArgumentException("device collection contains null");
            }
            out.add(d);
        }
        return out;
    }
}
