package org.syshotplug.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A participant in hot-plug requests, registered as an OSGi service with the properties in
 * {@link HandlerProperties}. A handler does its one job and never calls another handler.
 *
 * <p>Rules (the kernel's cpuhp rules): validate changes nothing; execute must be undoable by
 * {@link #rollback}; an execute that fails half-way undoes its own partial work before it throws;
 * commit is for what cannot be undone.
 *
 * <p>Commit handlers must be idempotent. Commit is never rolled back: when the runtime dies inside
 * a request's commit phase, recovery at the next start rolls it forward by calling again every
 * commit handler whose commit step the journal does not show as OK (with the request's devices,
 * phase {@code COMMIT}), and the request ends SUCCEEDED if they all succeed now. Such a handler may
 * find part or all of its work done by the interrupted call (a DRC released, a firmware object
 * ejected): it must count that as done, without failing and without asking the kernel again.
 */
@ConsumerType
public interface HotplugHandler {

    /** Does this handler's work for the phase {@link HandlerContext#phase()}. */
    void handle(HandlerContext context) throws HotplugException;

    /**
     * Undoes what {@link #handle} did in the execute phase of the same request. Called only after that
     * execute returned normally, with the same {@link HandlerContext#attributes()}.
     */
    default void rollback(HandlerContext context) throws HotplugException {
    }
}
