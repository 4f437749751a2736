package org.syshotplug.api;

import java.util.List;
import org.osgi.util.promise.Promise;

/**
 * Runs hot-plug requests one at a time, in submission order, through the chain of registered
 * handlers (validate, execute, commit; rollback on failure).
 */
public interface HotplugService {

    /**
     * Queues a request. Returns at once; the promise resolves with the result when the request has
     * ended, whatever its outcome. A request the queue cannot take (full, or a duplicate id) resolves
     * at once with {@link Outcome#REJECTED} and a message saying why. The promise never fails for a
     * hot-plug failure: failures are outcomes.
     */
    Promise<HotplugResult> submit(HotplugRequest request);

    /** As {@link #submit(HotplugRequest)}, with progress reports of multi-device steps. */
    default Promise<HotplugResult> submit(HotplugRequest request, ProgressListener listener) {
        return submit(request);
    }

    /**
     * Cancels a queued request: its promise resolves with {@link Outcome#CANCELLED}. A running request
     * is not interrupted (half a hot-plug is worse than a whole one).
     *
     * @return true if the request was queued and is now cancelled
     */
    boolean cancel(String requestId);

    /** The running request (if any) followed by the queued ones, in the order they will run. */
    List<RequestStatus> requests();

    /** The most recent finished requests, newest last, at most {@code max}. */
    List<HotplugResult> history(int max);

    /** The registered handlers in chain order (validate, execute, commit; ascending priority). */
    List<HandlerInfo> handlers();
}
