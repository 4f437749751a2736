package org.syshotplug.platform.internal.sim;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's {@code kacpi_hotplug} workqueue: one ordered worker that runs ACPI hot-plug work
 * (an {@code eject} write, a firmware eject request, a device check) after the write or the
 * notification that queued it has returned, each item under the tree lock as
 * {@code lock_device_hotplug()} serialises it in the kernel. Tests wait for it with
 * {@link #awaitIdle(Duration)} rather than sleeping.
 */
public final class HotplugWorkqueue {

    private final SysfsTree tree;
    private final Object idle = new Object();
    private int pending;
    private ExecutorService worker;
    private final java.util.List<Runnable> afterWork = new java.util.concurrent.CopyOnWriteArrayList<>();

    HotplugWorkqueue(SysfsTree tree) {
        this.tree = tree;
    }

    /** Queues {@code work}; it runs on the worker thread holding the tree lock. */
    public void queue(Runnable work) {
        synchronized (idle) {
            pending++;
            if (worker == null) {
                // One ordered worker that ends when idle, so the many machines tests build leave no threads.
                worker = new java.util.concurrent.ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
                        new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
                            Thread t = new Thread(r, "sim-kacpi-hotplug");
                            t.setDaemon(true);
                            return t;
                        });
            }
            worker.execute(() -> {
                try {
                    tree.locked(work);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(HotplugWorkqueue.class).error("simulated hot-plug work failed", e);
                } finally {
                    // Before the queue counts as idle, so whoever awaits it sees what the listeners did.
                    for (Runnable r : afterWork) {
                        try {
                            r.run();
                        } catch (RuntimeException e) {
                            org.slf4j.LoggerFactory.getLogger(HotplugWorkqueue.class).error("after hot-plug work", e);
                        }
                    }
                    synchronized (idle) {
                        pending--;
                        idle.notifyAll();
                    }
                }
            });
        }
    }

    /** Runs {@code r} on the worker after every work item, without the tree lock (a state file's save). */
    public void afterWork(Runnable r) {
        afterWork.add(r);
    }

    /** Waits until no work is queued or running; false if {@code timeout} passed first. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idle) {
            while (pending > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }
}
