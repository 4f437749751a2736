package org.syshotplug.api;

/** Receives progress of one request, on the worker thread: keep it short and never block. */
@FunctionalInterface
public interface ProgressListener {
    void progress(Progress progress);
}
