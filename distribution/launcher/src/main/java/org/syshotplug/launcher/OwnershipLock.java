package org.syshotplug.launcher;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive claim held for the life of a runtime: a POSIX record lock ({@link FileChannel#tryLock()},
 * fcntl on Linux) on a small file that also names the holder's pid, so the loser can say who has it.
 * The kernel drops the lock when the holder dies, even by SIGKILL, so a crash never leaves a stale
 * claim behind; the pid text is only for the message.
 *
 * <p>Two kinds: the data folder ({@code DATA/.lock}, taken before the framework starts and so before
 * the sequencer reads its journal) and, in linux mode, the kernel a runtime drives (one file per
 * canonical root under {@code /run/syshotplug}), so two runtimes with separate data folders still never
 * write the same sysfs; in agent mode the guest kernel behind an agent socket (one file per canonical
 * socket path, in the same folder).
 */
public final class OwnershipLock implements AutoCloseable {

    /** The data folder's lock file; its text is the holder's pid. */
    public static final String DATA_LOCK = ".lock";
    /** Where kernel locks live; {@code -Dsyshotplug.kernel.locks=DIR} moves them (tests, unprivileged users). */
    static final String KERNEL_LOCKS_PROPERTY = "syshotplug.kernel.locks";
    static final Path KERNEL_LOCKS = Path.of("/run/syshotplug");

    /**
     * Lock files this JVM holds. POSIX drops all of a process's record locks on a file when it
     * closes any descriptor of that file, so this JVM must never open a file it already holds
     * (not to try it again, not to read the pid in it).
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;

    private OwnershipLock(FileChannel channel, FileLock lock, Path file) {
        this.channel = channel;
        this.lock = lock;
        this.file = file;
    }

    /** Claims a data folder (creating it), or says which process holds it. */
    public static OwnershipLock data(Path dataDir) throws LaunchException {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LaunchException("cannot create the data folder " + dir + ": " + SysHotplugRuntime.rootMessage(e), e);
        }
        return take(dir.resolve(DATA_LOCK), pid -> "data folder " + dir + " is in use by " + holder(pid)
                + ": send commands to it with -c/-f, or give this run its own --data DIR", "");
    }

    /**
     * Claims the kernel under {@code root} (linux mode), or says which process drives it.
     *
     * @param dataDir written into the lock file so the loser can say which runtime holds the kernel
     */
    public static OwnershipLock kernel(Path root, Path dataDir) throws LaunchException {
        Path canonical;
        try {
            canonical = root.toRealPath();
        } catch (IOException e) {
            throw new LaunchException("kernel root " + root + " cannot be resolved: " + SysHotplugRuntime.rootMessage(e), e);
        }
        Path dir = kernelLockDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LaunchException("cannot create " + dir + " for the kernel lock of " + canonical + ": "
                    + SysHotplugRuntime.rootMessage(e) + " (run as root, or set -D" + KERNEL_LOCKS_PROPERTY + "=DIR)", e);
        }
        return driven(dir.resolve("kernel-" + digest(canonical.toString()) + ".lock"), "the kernel under " + canonical,
                canonical, dataDir);
    }

    /**
     * Claims the guest kernel served by the agent at {@code socket} (agent mode), or says which process
     * drives it. Agent mode needs no root, so when {@code /run/syshotplug} cannot be made the lock goes
     * to a folder of this user's under the temporary folder (two users on one guest are then kept
     * apart only by the socket's permissions).
     *
     * @throws LaunchException when the socket does not exist or another runtime holds its kernel
     */
    public static OwnershipLock agent(Path socket, Path dataDir) throws LaunchException {
        Path canonical;
        try {
            canonical = socket.toRealPath();
        } catch (java.nio.file.NoSuchFileException e) {
            throw AgentProbe.missing(socket, e);
        } catch (IOException e) {
            throw new LaunchException("agent socket " + socket + " cannot be resolved: " + SysHotplugRuntime.rootMessage(e), e);
        }
        return driven(agentLockDir().resolve("agent-" + digest(canonical.toString()) + ".lock"),
                "the guest kernel behind agent socket " + canonical, canonical, dataDir);
    }

    /** One runtime per kernel, whichever way it is reached: the lock file's text names the holder's data folder. */
    private static OwnershipLock driven(Path file, String kernel, Path canonical, Path dataDir) throws LaunchException {
        return take(file, pid -> kernel + " is already driven by " + holder(pid) + holderData(file) + " (lock " + file
                + "): one runtime per kernel", " " + canonical + " " + dataDir.toAbsolutePath());
    }

    private static Path agentLockDir() throws LaunchException {
        Path dir = kernelLockDir();
        try {
            Files.createDirectories(dir);
            if (Files.isWritable(dir)) {
                return dir;
            }
        } catch (IOException e) {
            if (System.getProperty(KERNEL_LOCKS_PROPERTY) != null) {
                throw new LaunchException("cannot create " + dir + " for the agent lock: " + SysHotplugRuntime.rootMessage(e), e);
            }
        }
        Path own = Path.of(System.getProperty("java.io.tmpdir"), "syshotplug-locks-" + System.getProperty("user.name"));
        try {
            Files.createDirectories(own);
            return own;
        } catch (IOException e) {
            throw new LaunchException("cannot create " + dir + " or " + own + " for the agent lock: "
                    + SysHotplugRuntime.rootMessage(e) + " (set -D" + KERNEL_LOCKS_PROPERTY + "=DIR)", e);
        }
    }

    static Path kernelLockDir() {
        String configured = System.getProperty(KERNEL_LOCKS_PROPERTY);
        return configured == null || configured.isBlank() ? KERNEL_LOCKS : Path.of(configured);
    }

    /** The pid written into a lock file by its holder, or -1 when it says none (being written, or foreign). */
    public static long holderPid(Path lockFile) {
        if (HELD.contains(lockFile.toAbsolutePath().normalize())) {
            return ProcessHandle.current().pid();
        }
        try {
            String text = Files.readString(lockFile, StandardCharsets.UTF_8).strip();
            int end = 0;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            return end == 0 || end > 18 ? -1 : Long.parseLong(text.substring(0, end));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** ", data DIR" from a kernel lock file's "pid root data" text, or nothing. */
    private static String holderData(Path lockFile) {
        if (HELD.contains(lockFile.toAbsolutePath().normalize())) {
            return "";
        }
        try {
            String[] fields = Files.readString(lockFile, StandardCharsets.UTF_8).strip().split(" ", 3);
            return fields.length == 3 ? " with data " + fields[2] : "";
        } catch (IOException e) {
            return "";
        }
    }

    public Path file() {
        return file;
    }

    private static OwnershipLock take(Path file, java.util.function.LongFunction<String> inUse, String note)
            throws LaunchException {
        Path key = file.toAbsolutePath().normalize();
        if (!HELD.add(key)) {
            // This JVM holds it already (an embedding host starting a second runtime on the same folder).
            throw new LaunchException(inUse.apply(ProcessHandle.current().pid()));
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                HELD.remove(key);
                throw new LaunchException(inUse.apply(holderPid(file)));
            }
            // Only the holder writes, and only after it has the lock: the text is never half another's.
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + note + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new OwnershipLock(channel, lock, file);
        } catch (IOException e) {
            closeQuietly(channel);
            HELD.remove(key);
            throw new LaunchException("cannot lock " + file + ": " + SysHotplugRuntime.rootMessage(e), e);
        }
    }

    private static String holder(long pid) {
        if (pid < 0) {
            return "another process";
        }
        return pid == ProcessHandle.current().pid() ? "this process (pid " + pid + ")" : "process " + pid;
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** Releases the claim; the file stays (deleting it would race a process that just opened it). */
    @Override
    public synchronized void close() {
        if (!channel.isOpen()) {
            return;
        }
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it too
        }
        closeQuietly(channel);
        HELD.remove(file.toAbsolutePath().normalize());
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing held any more
            }
        }
    }
}
