package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * Graceful removal on this machine's real kernel: offlining a memory block that holds kernel pages
 * answers EBUSY, and the request comes back rolled back with the block still online. Exactly one
 * block is tried; should the kernel let it go, it is onlined again at once.
 */
class MemoryLiveTest {

    private static final Path LOCK = Path.of("/tmp/syshotplug-live.lock");
    private static final Path MEMORY = Path.of("/sys/devices/system/memory");

    @Test
    void offlineOfAnInUseBlockComesBackRolledBackWithEbusyAndTheBlockOnline() throws Exception {
        Assumptions.assumeFalse("false".equals(System.getProperty("syshotplug.live")) || "0".equals(System.getenv("SYSHOTPLUG_LIVE")),
                "skipped: live tests turned off (SYSHOTPLUG_LIVE=0 or -Dsyshotplug.live=false)");
        boolean root = "root".equals(System.getProperty("user.name"));
        Assumptions.assumeTrue(root && Files.isDirectory(MEMORY) && !Files.getFileStore(Path.of("/sys")).isReadOnly(),
                "skipped: not root / sysfs read-only");
        try (FileChannel channel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            int block = highestOnlineBlock();
            Path state = MEMORY.resolve("memory" + block).resolve("state");
            Assumptions.assumeTrue(Files.isWritable(state), "skipped: " + state + " is not writable");
            String zoneBefore = Files.readString(MEMORY.resolve("memory" + block).resolve("valid_zones")).strip();
            try (Sequencer sequencer = Chains.memoryChain(new LinuxSystemFiles(Path.of("/")), Config.defaults())) {
                HotplugResult result = Chains.run(sequencer, HotplugRequest.of(Operation.OFFLINE, DeviceRef.memory(block)));
                String stateAfter = Files.readString(state).strip();
                System.out.println("LIVE: ran on this kernel: offline memory block " + block + " (zone " + zoneBefore
                        + "): " + result.summary() + " / state now " + stateAfter);

                assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
                assertEquals(Errno.EBUSY, result.error().errno(), result.summary());
                assertTrue(result.error().message().contains("EBUSY") && result.error().message().contains("memory" + block + " (zone "),
                        result.error().message());
                assertEquals("online", stateAfter);
            } finally {
                onlineAgainIfGone(state, zoneBefore);
            }
        }
    }

    /**
     * The top block of boot memory: memblock allocates top-down at boot, so it holds pages the
     * kernel cannot migrate, the case this test is about.
     */
    private static int highestOnlineBlock() throws IOException {
        int best = -1;
        try (var names = Files.list(MEMORY)) {
            for (Path p : (Iterable<Path>) names::iterator) {
                String name = p.getFileName().toString();
                if (name.matches("memory[0-9]+") && "online".equals(Files.readString(p.resolve("state")).strip())) {
                    best = Math.max(best, Integer.parseInt(name.substring(6)));
                }
            }
        }
        Assumptions.assumeTrue(best >= 0, "skipped: no online memory block");
        return best;
    }

    private static void onlineAgainIfGone(Path state, String zoneBefore) {
        try {
            if (!"online".equals(Files.readString(state).strip())) {
                Files.writeString(state, zoneBefore.contains("Movable") ? "online_movable" : "online_kernel");
                System.out.println("LIVE: the kernel had offlined the block; onlined it again");
            }
        } catch (IOException e) {
            System.err.println("LIVE restore: could not online " + state + " again: " + e.getMessage());
        }
    }
}
