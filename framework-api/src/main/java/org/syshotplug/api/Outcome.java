package org.syshotplug.api;

/** How a request ended. */
public enum Outcome {
    /** Every step ran; the change is in place. */
    SUCCEEDED,
    /** A validate handler vetoed (or the queue was full, or the request was malformed); nothing changed. */
    REJECTED,
    /** An execute step failed and every executed step was undone; the system is as before. */
    ROLLED_BACK,
    /** An execute step failed and at least one rollback failed too: the system may be in between. */
    ROLLBACK_FAILED,
    /** Execute succeeded but a commit step failed; the change stays, the failure is reported. */
    COMMIT_FAILED,
    /** Cancelled while queued; nothing ran. */
    CANCELLED,
    /** Queued when the runtime stopped; it never started and was dropped on restart. */
    ABORTED,
    /** A dry run whose validate phase passed: nothing was executed, nothing changed. */
    DRY_RUN,
    /**
     * Unfinished when the runtime stopped, and the journal cannot say how far it got (it is damaged,
     * or a handler needed for the rollback is gone): the devices may be in between; an operator must
     * look and acknowledge.
     */
    IN_DOUBT;

    /** SUCCEEDED, or DRY_RUN (a dry run that would have gone ahead). */
    public boolean isSuccess() {
        return this == SUCCEEDED || this == DRY_RUN;
    }

    /** True for the outcomes after which the system is exactly as the caller asked, or untouched. */
    public boolean isClean() {
        return this != ROLLBACK_FAILED && this != COMMIT_FAILED && this != IN_DOUBT;
    }
}
