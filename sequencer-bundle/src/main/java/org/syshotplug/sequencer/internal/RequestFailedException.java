package org.syshotplug.sequencer.internal;

import org.syshotplug.api.HotplugResult;

/** A shell request that did not succeed: its message is the result's summary, so a runner can print it and exit non-zero. */
public class RequestFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HotplugResult result;

    public RequestFailedException(HotplugResult result) {
        super(DeviceRanges.summary(result));
        this.result = result;
    }

    public HotplugResult result() {
        return result;
    }
}
