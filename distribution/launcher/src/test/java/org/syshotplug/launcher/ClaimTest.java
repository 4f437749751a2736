package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a start claims: always its data folder, and the kernel when etc/ or the command line says linux. */
class ClaimTest {

    @TempDir
    Path dir;

    private Path etc;
    private Path root;

    @BeforeEach
    void setUp() throws Exception {
        etc = Files.createDirectories(dir.resolve("etc"));
        root = Files.createDirectories(dir.resolve("root"));
        System.setProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY, dir.resolve("locks").toString());
    }

    @AfterEach
    void tearDown() {
        System.clearProperty(OwnershipLock.KERNEL_LOCKS_PROPERTY);
    }

    @Test
    void simulatedModeClaimsOnlyTheDataFolder() throws Exception {
        List<OwnershipLock> locks = SysHotplugRuntime.claim(config("data-a").build());
        try {
            assertEquals(1, locks.size());
            assertEquals(dir.resolve("data-a/.lock"), locks.get(0).file());
        } finally {
            locks.forEach(OwnershipLock::close);
        }
    }

    @Test
    void linuxModeFromEtcAlsoClaimsTheKernelSoASecondDataFolderIsRefused() throws Exception {
        Files.writeString(etc.resolve("org.syshotplug.platform.cfg"), "mode = linux\nroot = " + root + "\n");
        List<OwnershipLock> first = SysHotplugRuntime.claim(config("data-a").build());
        try {
            assertEquals(2, first.size());
            LaunchException e = assertThrows(LaunchException.class, () -> SysHotplugRuntime.claim(config("data-b").build()));
            assertTrue(e.getMessage().contains("kernel under " + root.toRealPath()), e.getMessage());
            // the refused start let go of data-b again
            SysHotplugRuntime.claim(config("data-b").platform("simulated").build()).forEach(OwnershipLock::close);
        } finally {
            first.forEach(OwnershipLock::close);
        }
    }

    @Test
    void theCommandLinePlatformOverridesEtc() throws Exception {
        Files.writeString(etc.resolve("org.syshotplug.platform.cfg"), "mode = simulated\n");
        Config.Builder b = config("data-a").platform("linux").configuration(Config.PLATFORM_PID, java.util.Map.of("root", root.toString()));
        List<OwnershipLock> locks = SysHotplugRuntime.claim(b.build());
        try {
            assertEquals(2, locks.size());
        } finally {
            locks.forEach(OwnershipLock::close);
        }
    }

    private Config.Builder config(String data) {
        return Config.builder().bundle("file:/nowhere.jar", 1).etcDir(etc).dataDir(dir.resolve(data));
    }
}
