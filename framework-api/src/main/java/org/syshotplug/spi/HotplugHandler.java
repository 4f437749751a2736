package org.syshotplug.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A participant in hot-plug requests, registered as an OSGi service with the properties in
 * {@link HandlerProperties}. A handler does its one job and never calls another handler.
 *
 * <p>Rules (the kernel's cpuhp rules): validate changes nothing; execute must be undoable by
 * {@link #rollback}; an execute that fails half-way undoes its own partial work before it throws;
 * commit is for what cannot be undone.
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
