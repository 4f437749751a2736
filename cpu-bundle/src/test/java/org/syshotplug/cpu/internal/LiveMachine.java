package org.syshotplug.cpu.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * The guard and lock every live test on this machine's kernel uses: it runs only as root with a
 * writable sysfs, and holds the team's exclusive live lock for its whole duration.
 */
final class LiveMachine {

    static final Path LOCK = Path.of("/tmp/syshotplug-live.lock");
    static final Path CPU1_ONLINE = Path.of("/sys/devices/system/cpu/cpu1/online");
    static final Path CPU1_FAIL = Path.of("/sys/devices/system/cpu/cpu1/hotplug/fail");

    private LiveMachine() {
    }

    static void assumeLive() throws IOException {
        Assumptions.assumeFalse("false".equals(System.getProperty("syshotplug.live")) || "0".equals(System.getenv("SYSHOTPLUG_LIVE")),
                "skipped: live tests turned off (SYSHOTPLUG_LIVE=0 or -Dsyshotplug.live=false)");
        boolean root = "root".equals(System.getProperty("user.name"));
        boolean writable = Files.isDirectory(Path.of("/sys/devices/system/cpu"))
                && !Files.getFileStore(Path.of("/sys")).isReadOnly() && Files.isWritable(CPU1_ONLINE);
        Assumptions.assumeTrue(root && writable, "skipped: not root / sysfs read-only (or no hot-pluggable CPU 1)");
    }

    /** Blocks until no other live test runs; close the returned lock's channel to release it. */
    static FileLock lock() throws IOException {
        FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        return channel.lock();
    }

    static void release(FileLock lock) throws IOException {
        lock.release();
        lock.channel().close();
    }

    /** Puts CPU 1 back online and disarms its cpuhp fail injection, whatever the test did. */
    static void restoreCpu1() {
        try {
            if (Files.exists(CPU1_FAIL)) {
                Files.writeString(CPU1_FAIL, "-1");
            }
        } catch (IOException e) {
            System.err.println("LIVE restore: could not disarm " + CPU1_FAIL + ": " + e.getMessage());
        }
        try {
            if (!"1".equals(Files.readString(CPU1_ONLINE).strip())) {
                Files.writeString(CPU1_ONLINE, "1");
            }
        } catch (IOException e) {
            System.err.println("LIVE restore: could not online CPU 1: " + e.getMessage());
        }
    }
}
