package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exclusive ownership between two real JVMs: the data folder, and in linux mode the kernel root. */
class OwnershipLockTest {

    @TempDir
    Path dir;

    private Process holder;

    @AfterEach
    void release() throws Exception {
        if (holder != null) {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
        System.clearProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY);
    }

    @Test
    void secondProcessOnTheSameDataFolderIsToldTheHoldersPidAndTheFolder() throws Exception {
        Path data = dir.resolve("data");
        holder = hold(data.toString());

        LaunchException e = assertThrows(LaunchException.class, () -> OwnershipLock.data(data));

        assertTrue(e.getMessage().contains("process " + holder.pid()), e.getMessage());
        assertTrue(e.getMessage().contains(data.toString()), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line");
    }

    @Test
    void theLockIsFreeAgainOnceTheHolderHasExited() throws Exception {
        Path data = dir.resolve("data");
        holder = hold(data.toString());
        holder.getOutputStream().close();
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));

        try (OwnershipLock mine = OwnershipLock.data(data)) {
            assertEquals(ProcessHandle.current().pid(), OwnershipLock.holderPid(mine.file()));
        }
    }

    @Test
    void aKilledHolderLeavesNoStaleLock() throws Exception {
        Path data = dir.resolve("data");
        holder = hold(data.toString());
        holder.destroyForcibly();
        assertTrue(holder.waitFor(30, TimeUnit.SECONDS));

        try (OwnershipLock mine = OwnershipLock.data(data)) {
            assertTrue(Files.exists(mine.file()));
        }
    }

    @Test
    void twoDataFoldersOnOneKernelRootCollideEvenThroughAnotherPathToIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), root);
        Path locks = dir.resolve("locks");
        System.setProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY, locks.toString());
        holder = hold(dir.resolve("data-a").toString(), root.toString(), "-D" + OwnershipLock.KERNEL_LOCKS_PROPERTY + "=" + locks);

        try (OwnershipLock mine = OwnershipLock.data(dir.resolve("data-b"))) {
            LaunchException e = assertThrows(LaunchException.class, () -> OwnershipLock.kernel(alias, dir.resolve("data-b")));
            assertTrue(e.getMessage().contains("process " + holder.pid()), e.getMessage());
            assertTrue(e.getMessage().contains(root.toRealPath().toString()), e.getMessage());
        }
        // another root is another kernel
        try (OwnershipLock other = OwnershipLock.kernel(Files.createDirectories(dir.resolve("other")), dir)) {
            assertTrue(Files.exists(other.file()));
        }
    }

    @Test
    void theSameJvmCannotTakeItsOwnDataFolderTwice() throws Exception {
        try (OwnershipLock first = OwnershipLock.data(dir)) {
            LaunchException e = assertThrows(LaunchException.class, () -> OwnershipLock.data(dir));
            assertTrue(e.getMessage().contains("this process"), e.getMessage());
        }
    }

    /** Starts a LockHolder JVM and returns once it holds its locks. */
    private static Process hold(String data, String... rootAndJvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        for (String s : rootAndJvmOptions) {
            if (s.startsWith("-D")) {
                command.add(s);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), data));
        for (String s : rootAndJvmOptions) {
            if (!s.startsWith("-D")) {
                command.add(s);
            }
        }
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"locked".equals(line)) {
            p.destroyForcibly();
            throw new AssertionError("the lock holder did not start: " + line);
        }
        return p;
    }
}
