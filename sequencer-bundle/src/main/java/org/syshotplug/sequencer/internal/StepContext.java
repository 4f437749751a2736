package org.syshotplug.sequencer.internal;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Phase;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.UndoLog;

/** What one handler call sees. Closed when the call ends, so a call that overran cannot change the request later. */
final class StepContext implements HandlerContext {

    /** Receives a handler's progress reports. */
    interface ProgressSink {
        void progress(RequestRun run, RegisteredHandler handler, Phase phase, DeviceRef device, int done, int total,
                String message);
    }

    private final RequestRun run;
    private final RegisteredHandler handler;
    private final Phase phase;
    private final Instant deadline;
    private final ProgressSink progress;
    private volatile boolean open = true;
    /** Journals a plain attribute value at once (execute calls only), or null. */
    BiConsumer<String, Object> writeAhead;
    /** Makes this handler's undo log on its first use in the request: journaled when there is a journal. */
    private Supplier<UndoLog> freshUndo = UndoLog::inMemory;

    StepContext(RequestRun run, RegisteredHandler handler, Phase phase, Instant deadline, ProgressSink progress) {
        this.run = run;
        this.handler = handler;
        this.phase = phase;
        this.deadline = deadline;
        this.progress = progress;
    }

    /**
     * The context of one call in {@code stepPhase}; a rollback sees the execute phase it undoes.
     * With a journal, the handler's undo log records into it (plans made durable before the first
     * kernel write, written marks appended), and an execute call's plain attribute values are
     * appended as they are put (not forced: a SIGKILL keeps them, the next force covers a power loss).
     */
    static StepContext forCall(RequestRun run, RegisteredHandler handler, Phase stepPhase, Instant deadline,
            ProgressSink progress, Journal journal) {
        StepContext context = new StepContext(run, handler, stepPhase == Phase.ROLLBACK ? Phase.EXECUTE : stepPhase,
                deadline, progress);
        if (journal != null) {
            String id = run.request.id();
            context.freshUndo = () -> UndoLog.recordingTo(journal.recorder(id, handler.name()));
            if (stepPhase == Phase.EXECUTE) {
                context.writeAhead = (k, v) -> journal.attributesNow(id, handler.name(), k, v);
            }
        }
        return context;
    }

    void close() {
        open = false;
    }

    @Override
    public HotplugRequest request() {
        return run.request;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<DeviceRef> devices() {
        return run.devices();
    }

    @Override
    public List<DeviceRef> devices(String type) {
        return run.devices().stream().filter(d -> d.type().equals(type)).toList();
    }

    @Override
    public void resolve(DeviceRef target, Collection<DeviceRef> devices) {
        requireOpenValidate("resolve");
        run.resolve(target, devices);
    }

    @Override
    public void addDevices(Collection<DeviceRef> devices) {
        requireOpenValidate("addDevices");
        run.addDevices(devices);
    }

    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> map = run.attributes(handler);
        BiConsumer<String, Object> ahead = writeAhead;
        if (ahead == null) {
            return map;
        }
        // What a handler records before it changes the system reaches the journal before the change,
        // so a crash half-way through its step leaves what its rollback needs.
        return new AbstractMap<String, Object>() {
            @Override
            public Object put(String key, Object value) {
                Object old = map.put(key, value);
                ahead.accept(key, value);
                return old;
            }

            @Override
            public Object remove(Object key) {
                return map.remove(key);
            }

            @Override
            public Object get(Object key) {
                return map.get(key);
            }

            @Override
            public Set<Map.Entry<String, Object>> entrySet() {
                return map.entrySet();
            }
        };
    }

    @Override
    public UndoLog undo() {
        return run.undoLog(handler, freshUndo);
    }

    @Override
    public Instant deadline() {
        return deadline;
    }

    @Override
    public boolean expired() {
        return !open || Instant.now().isAfter(deadline);
    }

    @Override
    public void progress(DeviceRef device, int done, int total, String message) {
        if (open) {
            progress.progress(run, handler, phase, device, done, total, message);
        }
    }

    private void requireOpenValidate(String what) {
        if (phase != Phase.VALIDATE) {
            throw new IllegalStateException(what + " is allowed in the validate phase only: the device set of request "
                    + run.request.id() + " is fixed after validate (called by " + handler.name() + " in " + phase.word() + ")");
        }
        if (!open) {
            throw new IllegalStateException(what + " called by " + handler.name() + " after its call in request "
                    + run.request.id() + " had ended");
        }
    }
}
