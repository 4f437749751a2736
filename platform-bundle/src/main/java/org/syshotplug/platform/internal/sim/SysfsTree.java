package org.syshotplug.platform.internal.sim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.syshotplug.api.Errno;

/**
 * The in-memory sysfs of a simulated machine: directories, attribute files with read/write
 * behaviour, and symbolic links, addressed by absolute kernel paths. One lock guards the whole
 * tree and the device models behind the attributes, the way {@code lock_device_hotplug()} makes
 * the kernel do one hot-plug operation at a time; every show and store runs under it.
 *
 * <p>Profiles ({@link SimProfile}) populate the tree and may register their device models with
 * {@link #register(Class, Object)} so that {@link SimulatedMachine} can reach them (for example
 * {@link SimMemory} for {@code setUnmovable}).
 */
public final class SysfsTree {

    /** Linux stops following links after 40 hops (MAXSYMLINKS). */
    private static final int MAX_LINK_HOPS = 40;

    private final SimDirectory root = new SimDirectory("", null);
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Class<?>, Object> models = new ConcurrentHashMap<>();
    private final SimEvents events;
    private final KernelLog kernelLog = new KernelLog();
    private final HotplugWorkqueue hotplugQueue = new HotplugWorkqueue(this);

    public SysfsTree(SimEvents events) {
        this.events = events;
    }

    public SysfsTree() {
        this((topic, properties) -> { });
    }

    public SimDirectory root() {
        return root;
    }

    /** Where profiles post firmware events (ACPI notify, RTAS error logs). */
    public SimEvents events() {
        return events;
    }

    /** The kernel log the device models print to. */
    public KernelLog kernelLog() {
        return kernelLog;
    }

    /** The ACPI hot-plug workqueue: eject and insertion work that runs after the write returned. */
    public HotplugWorkqueue hotplugQueue() {
        return hotplugQueue;
    }

    /** The directory at {@code absolutePath}, created with its parents if missing (links not followed). */
    public SimDirectory dir(String absolutePath) {
        SimDirectory d = root;
        for (String part : parts(absolutePath)) {
            d = d.dir(part);
        }
        return d;
    }

    /** Removes the entry at {@code absolutePath} and everything under it; no-op if absent. */
    public void remove(String absolutePath) {
        SimNode node = lookupNoFollow(absolutePath);
        if (node != null && node.parent() != null) {
            node.parent().remove(node.name());
        }
    }

    /** The node at the path, following every link on the way and at the end; null if absent. */
    public SimNode lookup(String absolutePath) {
        try {
            return resolve(absolutePath, true);
        } catch (KernelErrno e) {
            return null;
        }
    }

    /** The node at the path, following links on the way but not a link at the end; null if absent. */
    public SimNode lookupNoFollow(String absolutePath) {
        try {
            return resolve(absolutePath, false);
        } catch (KernelErrno e) {
            return null;
        }
    }

    /**
     * Walks the path component by component like the kernel's path walk: ENOENT for a missing
     * entry, ENOTDIR for a file used as a directory, links followed relative to where they sit.
     */
    public SimNode resolve(String absolutePath, boolean followLast) throws KernelErrno {
        return walk(root, parts(absolutePath), 0, followLast, new int[] {0});
    }

    private SimNode walk(SimDirectory start, String[] parts, int from, boolean followLast, int[] hops)
            throws KernelErrno {
        SimNode current = start;
        for (int i = from; i < parts.length; i++) {
            if (!(current instanceof SimDirectory dir)) {
                throw new KernelErrno(Errno.ENOTDIR);
            }
            SimNode next = dir.child(parts[i]);
            if (next == null) {
                throw new KernelErrno(Errno.ENOENT);
            }
            boolean last = i == parts.length - 1;
            if (next instanceof SimLink link && (!last || followLast)) {
                if (++hops[0] > MAX_LINK_HOPS) {
                    throw new KernelErrno(Errno.EIO, "too many levels of symbolic links");
                }
                next = walk(root, parts(link.target()), 0, true, hops);
            }
            current = next;
        }
        return current;
    }

    /** Runs {@code action} holding the tree lock (for device models changed from outside a store). */
    public void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    public <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    ReentrantLock lock() {
        return lock;
    }

    /** Registers a device model of this machine under its type. */
    public <T> void register(Class<T> type, T model) {
        models.put(type, model);
    }

    /** The device model registered under {@code type}, or null. */
    public <T> T model(Class<T> type) {
        return type.cast(models.get(type));
    }

    private static String[] parts(String absolutePath) {
        if (absolutePath.equals("/")) {
            return new String[0];
        }
        if (!absolutePath.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute kernel path: " + absolutePath);
        }
        return absolutePath.substring(1).split("/");
    }
}
