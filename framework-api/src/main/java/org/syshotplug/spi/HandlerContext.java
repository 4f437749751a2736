package org.syshotplug.spi;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Phase;

/** What a handler is given for one call. */
@ProviderType
public interface HandlerContext {

    HotplugRequest request();

    /** The phase of this call ({@link Phase#EXECUTE} also for a rollback of an execute step). */
    Phase phase();

    /**
     * The devices of the request: its targets, as resolved so far by validate-phase resource
     * handlers. Wildcards ({@link DeviceRef#ANY}) and containers stay until a handler resolves them.
     */
    List<DeviceRef> devices();

    /** The devices of one type, in the order of {@link #devices()}. */
    List<DeviceRef> devices(String type);

    /**
     * Replaces {@code target} (a wildcard, a container, a firmware object) with the concrete devices it
     * stands for. Allowed in the validate phase only: after validate the device set is fixed.
     *
     * @throws IllegalStateException outside the validate phase
     */
    void resolve(DeviceRef target, Collection<DeviceRef> devices);

    /** Adds devices that the request brings along (a container's children). Validate phase only. */
    void addDevices(Collection<DeviceRef> devices);

    /**
     * This handler's own scratch space for this request: what execute changed, for its rollback.
     * Other handlers never see it.
     *
     * <p>In the execute phase a String, Integer, Long or Boolean value is appended to the journal as it
     * is put (not forced: a killed process keeps it, the request's next force covers a power loss),
     * so the rollback after a restart finds it; other objects do not survive a restart. For kernel
     * writes use {@link #undo()}, whose plan is durable before the first write.
     */
    Map<String, Object> attributes();

    /**
     * This handler's undo log for this request: the kernel writes its execute step makes, planned
     * ahead and journaled, so its rollback (also one rebuilt after a crash) restores exactly them.
     * The same log is handed to the step's rollback.
     */
    UndoLog undo();

    /** When this call must be done; the sequencer fails the step and quarantines the handler after it. */
    Instant deadline();

    /** True once the deadline has passed: a long loop should stop, undo its own work, and throw. */
    boolean expired();

    /** Reports progress through a multi-device step (shown to the user, posted as an event). */
    void progress(DeviceRef device, int done, int total, String message);
}
