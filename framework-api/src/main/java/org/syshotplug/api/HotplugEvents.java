package org.syshotplug.api;

/**
 * EventAdmin topics and properties for a request's life. A request posts {@code QUEUED}, then
 * {@code STARTED}, {@code PROGRESS} while handlers report, and finally its {@link Outcome} name,
 * each under {@value #TOPIC_PREFIX}.
 */
public final class HotplugEvents {

    public static final String TOPIC_PREFIX = "org/syshotplug/request/";
    /** Subscribe here for every request event. */
    public static final String TOPIC_ALL = TOPIC_PREFIX + "*";
    public static final String QUEUED = TOPIC_PREFIX + "QUEUED";
    public static final String STARTED = TOPIC_PREFIX + "STARTED";
    public static final String PROGRESS = TOPIC_PREFIX + "PROGRESS";

    public static final String REQUEST_ID = "request.id";
    public static final String OPERATION = "operation";
    /** The devices as {@code type:id} strings (String[]). */
    public static final String DEVICES = "devices";
    public static final String ORIGIN = "origin";
    public static final String OUTCOME = "outcome";
    public static final String PHASE = "phase";
    public static final String HANDLER = "handler";
    public static final String MESSAGE = "message";
    public static final String ERRNO = "errno";

    private HotplugEvents() {
    }

    /** The topic a finished request posts under. */
    public static String topic(Outcome outcome) {
        return TOPIC_PREFIX + outcome.name();
    }
}
