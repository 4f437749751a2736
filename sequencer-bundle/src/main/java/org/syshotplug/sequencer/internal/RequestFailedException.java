package org.syshotplug.sequencer.internal;

import org.syshotplug.api.HotplugResult;
import org.syshotplug.shell.ResultView;

/** A shell request that did not succeed: its message is the result's summary, so a runner can print it and exit non-zero. */
public class RequestFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HotplugResult result;

    public RequestFailedException(HotplugResult result) {
        this(result, ResultView.summary(result));
    }

    /** With the one sentence the shell prints for it. */
    public RequestFailedException(HotplugResult result, String message) {
        super(message);
        this.result = result;
    }

    public HotplugResult result() {
        return result;
    }
}
