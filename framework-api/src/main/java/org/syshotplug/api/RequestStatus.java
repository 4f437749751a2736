package org.syshotplug.api;

import java.time.Instant;

/** A request that is queued or running. */
public record RequestStatus(HotplugRequest request, State state, Phase phase, Instant submitted, Instant started) {

    public enum State { QUEUED, RUNNING }
}
