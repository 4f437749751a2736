package org.syshotplug.platform.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

/**
 * Paths built from hostile ids never reach the file system: the root's sibling holds a secret
 * file that a successful escape would read or overwrite.
 */
class LinuxSystemFilesHostilePathTest {

    @TempDir
    Path sandbox;

    private LinuxSystemFiles files() throws Exception {
        Files.createDirectories(sandbox.resolve("root/sys/devices/system/cpu/cpu1"));
        Files.writeString(sandbox.resolve("secret"), "do not touch");
        return new LinuxSystemFiles(sandbox.resolve("root"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/sys/devices/system/cpu/cpu1/../../../../../secret", "/sys/../secret", "../secret",
            "secret", "/etc/passwd", "/sys/devices/system/cpu/cpu1/online\0", "/sys//devices", "/sys/./devices",
            ""})
    void hostilePathIsRefusedBeforeAnyFileAccess(String hostile) throws Exception {
        LinuxSystemFiles files = files();

        assertThrows(IllegalArgumentException.class, () -> files.read(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.write(hostile, "0"));
        assertThrows(IllegalArgumentException.class, () -> files.list(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.readLink(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.exists(hostile));

        assertEquals("do not touch", Files.readString(sandbox.resolve("secret")));
    }

    @Test
    void linkLeadingOutOfTheRootIsRefused() throws Exception {
        LinuxSystemFiles files = files();
        Files.createSymbolicLink(sandbox.resolve("root/sys/escape"), Path.of("../.."));

        SystemFileException read = assertThrows(SystemFileException.class, () -> files.read("/sys/escape/secret"));
        SystemFileException write = assertThrows(SystemFileException.class,
                () -> files.write("/sys/escape/secret", "0"));

        assertEquals(Errno.EACCES, read.errno());
        assertEquals(Errno.EACCES, write.errno());
        assertFalse(files.exists("/sys/escape/secret"));
        assertEquals("do not touch", Files.readString(sandbox.resolve("secret")));
    }
}
