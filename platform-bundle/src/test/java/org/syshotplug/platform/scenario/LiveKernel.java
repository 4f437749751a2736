package org.syshotplug.platform.scenario;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * The guard and the clean-up for tests that touch this machine's kernel: they run only as root
 * with sysfs mounted read-write and CPU 1 hot-pluggable, hold the team's live lock for their whole
 * duration, and put CPU 1 back online with no armed cpuhp failure afterwards.
 */
final class LiveKernel implements AutoCloseable {

    static final Path LOCK = Path.of("/tmp/syshotplug-live.lock");
    static final String CPU1_ONLINE = "/sys/devices/system/cpu/cpu1/online";
    static final String CPU1_FAIL = "/sys/devices/system/cpu/cpu1/hotplug/fail";

    private final FileChannel lockChannel;
    private final FileLock lock;
    private final LinuxSystemFiles files = new LinuxSystemFiles(Path.of("/"));

    private LiveKernel() throws IOException {
        lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.lock();
    }

    /** Why a live run cannot happen here, or null when it can. */
    static String whyNot() {
        if ("false".equals(System.getProperty("syshotplug.live")) || "0".equals(System.getenv("SYSHOTPLUG_LIVE"))) {
            return "live tests turned off (SYSHOTPLUG_LIVE=0 or -Dsyshotplug.live=false)";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        try {
            boolean rw = Files.readAllLines(Path.of("/proc/mounts")).stream()
                    .map(l -> l.split(" "))
                    .anyMatch(f -> f.length > 3 && f[1].equals("/sys") && f[2].equals("sysfs")
                            && f[3].matches("(^|.*,)rw(,.*|$)"));
            if (!rw) {
                return "sysfs is not mounted read-write";
            }
        } catch (IOException e) {
            return "cannot read /proc/mounts: " + e.getMessage();
        }
        if (!Files.exists(Path.of(CPU1_ONLINE))) {
            return "CPU 1 is not hot-pluggable here";
        }
        return null;
    }

    /** Takes the live lock (blocking until other engineers' live tests are done). */
    static LiveKernel acquire() throws IOException {
        return new LiveKernel();
    }

    LinuxSystemFiles files() {
        return files;
    }

    /** Disarms CPU 1's cpuhp failure and puts it back online, then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            restore();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private void restore() {
        try {
            files.write(CPU1_FAIL, "-1");
        } catch (SystemFileException e) {
            System.out.println("LIVE restore: " + e.getMessage());
        }
        try {
            if (!files.readValue(CPU1_ONLINE).equals("1")) {
                files.write(CPU1_ONLINE, "1");
            }
        } catch (SystemFileException e) {
            System.out.println("LIVE restore: " + e.getMessage());
        }
    }
}
