package org.syshotplug.platform.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * Wraps a machine so that writing one path answers an errno, as the kernel's store (a CPU's
 * {@code online}, a memory block's {@code state}) does when it refuses (the simulated machine's own injection also fails reads, which validate needs),
 * and records the writes that went through, so tests can check their order. Over a
 * {@code LinuxSystemFiles} on a folder it also plays what the kernel does after a write ({@link #afterWrite}).
 */
public final class WriteFaults extends ForwardingFiles {

    private final Map<String, Errno> faults = new ConcurrentHashMap<>();
    private final Map<String, Runnable> effects = new ConcurrentHashMap<>();
    /** Every write that reached the machine, as {@code path=value}, in order. */
    public final List<String> writes = new CopyOnWriteArrayList<>();

    public WriteFaults(SystemFiles machine) {
        super(machine);
    }

    public WriteFaults failWrites(String path, Errno errno) {
        faults.put(path, errno);
        return this;
    }

    /** Runs {@code effect} after each write to {@code path} that went through (what the kernel does in response). */
    public WriteFaults afterWrite(String path, Runnable effect) {
        effects.put(path, effect);
        return this;
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        Errno errno = faults.get(path);
        if (errno != null) {
            throw new SystemFileException(errno, path, value, "refused by the test", null);
        }
        machine.write(path, value);
        writes.add(path + "=" + value);
        Runnable effect = effects.get(path);
        if (effect != null) {
            effect.run();
        }
    }

    @Override
    public String describe() {
        return machine.describe() + " with write faults " + faults;
    }
}
