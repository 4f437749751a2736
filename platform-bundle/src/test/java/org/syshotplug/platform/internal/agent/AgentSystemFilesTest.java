package org.syshotplug.platform.internal.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * The agent of tools/x86-acpi-guest (built for this host, serving a folder) through
 * {@link AgentSystemFiles}, against {@link LinuxSystemFiles} on the same folder: the same values,
 * names, link targets, errnos and messages.
 */
class AgentSystemFilesTest {

    @TempDir
    Path sandbox;

    private Path root;
    private HostAgent agent;
    private AgentSystemFiles files;
    private LinuxSystemFiles linux;

    @BeforeEach
    void start() throws Exception {
        root = sandbox.resolve("root");
        Path cpu = Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu1"));
        Files.createDirectories(root.resolve("sys/devices/system/cpu/cpu0"));
        Files.writeString(cpu.resolve("online"), "0\n");
        Files.writeString(root.resolve("sys/devices/system/cpu/present"), "0-1\n");
        Path acpiDevice = Files.createDirectories(root.resolve("sys/devices/LNXSYSTM:00/LNXCPU:01"));
        Files.createSymbolicLink(acpiDevice.resolve("physical_node"), Path.of("../../system/cpu/cpu1"));
        Files.writeString(acpiDevice.resolve("eject"), "");
        Path bus = Files.createDirectories(root.resolve("sys/bus/acpi/devices"));
        Files.createSymbolicLink(bus.resolve("LNXCPU:01"), Path.of("../../../devices/LNXSYSTM:00/LNXCPU:01"));
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cmdline"), "console=ttyS0 memhp_default_state=offline\n");
        Files.writeString(sandbox.resolve("secret"), "do not touch");
        agent = HostAgent.serve(root, sandbox.resolve("agent.sock"));
        files = agent.connect();
        linux = new LinuxSystemFiles(root);
    }

    @AfterEach
    void stop() throws Exception {
        if (files != null) {
            files.close();
        }
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void readsWhatLinuxSystemFilesReads() throws Exception {
        for (String path : List.of("/sys/devices/system/cpu/cpu1/online", "/sys/devices/system/cpu/present",
                "/proc/cmdline", "/sys/bus/acpi/devices/LNXCPU:01/eject")) {
            assertEquals(linux.read(path), files.read(path), path);
        }
        assertEquals("0", files.readValue("/sys/devices/system/cpu/cpu1/online"));
        assertEquals(List.of("cpu0", "cpu1", "present"), files.list("/sys/devices/system/cpu"));
        assertEquals(linux.list("/sys/bus/acpi/devices/LNXCPU:01"), files.list("/sys/bus/acpi/devices/LNXCPU:01"));
        assertEquals(List.of(), files.list("/sys/devices/system/cpu/cpu0"));
    }

    @Test
    void binaryFileComesBackByteForByte() throws Exception {
        byte[] table = new byte[256 * 3];
        for (int i = 0; i < table.length; i++) {
            table[i] = (byte) i;
        }
        Files.createDirectories(root.resolve("sys/firmware/acpi/tables"));
        Files.write(root.resolve("sys/firmware/acpi/tables/DSDT"), table);

        assertArrayEquals(table, files.readBytes("/sys/firmware/acpi/tables/DSDT"));
    }

    @Test
    void writeIsOneCallWithTheWholeValueWhateverItHolds() throws Exception {
        String online = "/sys/devices/system/cpu/cpu1/online";
        for (String value : List.of("1\n", "line one\nline two\n", "with spaces and 100% \t tabs", "\u00e9\u20ac",
                "\r\n")) {
            files.write(online, value);
            assertEquals(value, Files.readString(root.resolve(online.substring(1))));
            assertEquals(value, files.read(online));
        }
        files.write(online, "");

        assertEquals(0, Files.size(root.resolve(online.substring(1))), "a 0-byte write is a real write(2) of 0 bytes");
    }

    @Test
    void linkTargetIsTheAbsoluteKernelPathResolvedAgainstTheLinksRealFolder() throws Exception {
        String link = "/sys/bus/acpi/devices/LNXCPU:01/physical_node";

        assertEquals("/sys/devices/system/cpu/cpu1", files.readLink(link));
        assertEquals(linux.readLink(link), files.readLink(link));
        assertEquals("/sys/devices/LNXSYSTM:00/LNXCPU:01", files.readLink("/sys/bus/acpi/devices/LNXCPU:01"));
    }

    @Test
    void existsAndIsDirectoryFollowLinks() throws Exception {
        assertTrue(files.exists("/sys/bus/acpi/devices/LNXCPU:01/physical_node/online"));
        assertTrue(files.isDirectory("/sys/bus/acpi/devices/LNXCPU:01/physical_node"));
        assertFalse(files.isDirectory("/sys/devices/system/cpu/cpu1/online"));
        assertFalse(files.exists("/sys/devices/system/cpu/cpu2"));
        assertFalse(files.isDirectory("/sys/devices/system/cpu/cpu2"));
    }

    @Test
    void kernelErrnoAndMessageAreThoseOfLinuxSystemFiles() throws Exception {
        assertSameFailure(() -> linux.read("/sys/devices/system/cpu/cpu2/online"),
                () -> files.read("/sys/devices/system/cpu/cpu2/online"), Errno.ENOENT);
        assertSameFailure(() -> linux.write("/sys/devices/system/cpu/cpu2/online", "1\n"),
                () -> files.write("/sys/devices/system/cpu/cpu2/online", "1\n"), Errno.ENOENT);
        assertSameFailure(() -> linux.read("/sys/devices/system/cpu"), () -> files.read("/sys/devices/system/cpu"),
                Errno.EISDIR);
        assertSameFailure(() -> linux.write("/sys/devices/system/cpu", "1"),
                () -> files.write("/sys/devices/system/cpu", "1"), Errno.EISDIR);
        assertSameFailure(() -> linux.list("/sys/devices/system/cpu/present"),
                () -> files.list("/sys/devices/system/cpu/present"), Errno.ENOTDIR);
        assertSameFailure(() -> linux.list("/sys/devices/system/memory"), () -> files.list("/sys/devices/system/memory"),
                Errno.ENOENT);
        assertSameFailure(() -> linux.readLink("/sys/devices/system/cpu/present"),
                () -> files.readLink("/sys/devices/system/cpu/present"), Errno.EINVAL);
        assertSameFailure(() -> linux.readLink("/sys/devices/system/cpu/cpu9"),
                () -> files.readLink("/sys/devices/system/cpu/cpu9"), Errno.ENOENT);
    }

    private static void assertSameFailure(Executable expected, Executable actual, Errno errno) {
        SystemFileException e = assertThrows(SystemFileException.class, expected);
        SystemFileException a = assertThrows(SystemFileException.class, actual);
        assertEquals(errno, e.errno(), "LinuxSystemFiles: " + e.getMessage());
        assertEquals(e.errno(), a.errno(), a.getMessage());
        assertEquals(e.getMessage(), a.getMessage());
        assertEquals(e.path(), a.path());
        assertEquals(e.value(), a.value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/sys/devices/system/cpu/cpu1/../../../../../secret", "/sys/../secret", "../secret",
            "/etc/passwd", "/sys/devices/system/cpu/cpu1/online\0", "/sys//devices", "/sys/./devices",
            "/sys/devices/system/cpu/cpu1/online\nREAD /proc/cmdline", ""})
    void hostilePathIsRefusedBeforeItIsSent(String hostile) throws Exception {
        assertThrows(IllegalArgumentException.class, () -> files.read(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.readBytes(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.write(hostile, "0"));
        assertThrows(IllegalArgumentException.class, () -> files.list(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.readLink(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.exists(hostile));
        assertThrows(IllegalArgumentException.class, () -> files.isDirectory(hostile));

        assertEquals("do not touch", Files.readString(sandbox.resolve("secret")));
        assertEquals("0\n", files.read("/sys/devices/system/cpu/cpu1/online"), "the connection still serves");
    }

    @Test
    void linkLeadingOutOfTheServedFolderIsRefusedByTheAgent() throws Exception {
        Files.createSymbolicLink(root.resolve("sys/escape"), Path.of("../.."));

        SystemFileException read = assertThrows(SystemFileException.class, () -> files.read("/sys/escape/secret"));
        SystemFileException write = assertThrows(SystemFileException.class,
                () -> files.write("/sys/escape/secret", "0"));

        assertEquals(Errno.EACCES, read.errno());
        assertEquals(Errno.EACCES, write.errno());
        assertFalse(files.exists("/sys/escape/secret"));
        assertEquals("do not touch", Files.readString(sandbox.resolve("secret")));
    }

    @Test
    void kernelLogLinesLoseLevelAndTimestampAndAreTakenOnce() throws Exception {
        Files.writeString(root.resolve("kmsg"), "<6>[    1.234567] CPU1 has been hot-added\n"
                + "<4>[   12.000001] acpi LNXCPU:01: Eject disabled\n" + "[    3.100000] no level\n"
                + "<6>no timestamp [1] kept\n");

        assertEquals(List.of("CPU1 has been hot-added", "acpi LNXCPU:01: Eject disabled", "no level",
                "no timestamp [1] kept"), files.takeKernelLog());
        assertEquals(List.of(), files.takeKernelLog());
    }

    @Test
    void describeNamesTheSocketAndTheKernel() throws Exception {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();

        assertEquals(release, files.release());
        assertEquals("agent " + agent.socket + " (" + release + ")", files.describe());
    }

    @Test
    void concurrentCallersEachGetTheirOwnAnswer() throws Exception {
        for (int i = 0; i < 8; i++) {
            Files.writeString(root.resolve("sys/devices/system/cpu/value" + i), "v" + i + "\n");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    for (int n = 0; n < 100; n++) {
                        int i = n % 8;
                        assertEquals("v" + i + "\n", files.read("/sys/devices/system/cpu/value" + i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secondConnectionIsServedAfterTheFirstEnds() throws Exception {
        files.close();
        assertEquals(Errno.EIO, assertThrows(SystemFileException.class,
                () -> files.read("/sys/devices/system/cpu/present")).errno());

        files = agent.connect();

        assertEquals("0-1\n", files.read("/sys/devices/system/cpu/present"));
    }

    @Test
    void twoHundredReadsRoundTrip() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            files.read("/sys/devices/system/cpu/cpu1/online");
        }
        long micros = (System.nanoTime() - start) / 1000;
        // Reported, not asserted: timing goals are no unit-test matter.
        System.out.printf("AgentSystemFilesTest: 200 reads through the host agent in %d ms (%d us each)%n",
                micros / 1000, micros / 200);
        assertTrue(new String(files.readBytes("/proc/cmdline"), StandardCharsets.UTF_8).contains("memhp"));
    }

    @Test
    void implementsSystemFiles() {
        SystemFiles asInterface = files;
        assertTrue(asInterface.describe().startsWith("agent "));
    }
}
