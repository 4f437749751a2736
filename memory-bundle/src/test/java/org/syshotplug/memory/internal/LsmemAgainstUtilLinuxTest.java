package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * A differential test against util-linux itself: the VM capture is copied, changed into shapes the
 * VM does not show (offline, Movable, unremovable blocks, a second node), and {@code lsmem --sysroot}
 * and our view must agree on every range and the summary. Skipped where lsmem is not installed.
 */
class LsmemAgainstUtilLinuxTest {

    @TempDir
    static Path root;

    private static Path memory;

    @BeforeAll
    static void mixedMachine() throws Exception {
        Assumptions.assumeTrue(lsmemAvailable(), "skipped: util-linux lsmem is not installed");
        Path from = LsmemOnVmFixtureTest.VM_SYSFS.resolve("sys/devices/system/memory");
        memory = root.resolve("sys/devices/system/memory");
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path to = memory.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        for (int b = 40; b <= 47; b++) {
            set(b, "state", "offline");
            set(b, "online", "0");
            set(b, "valid_zones", "Normal Movable");
        }
        for (int b = 48; b <= 49; b++) {
            set(b, "valid_zones", "Movable");
        }
        set(60, "removable", "0");
        for (int b = 100; b <= 103; b++) {
            Files.delete(memory.resolve("memory" + b).resolve("node0"));
            Files.createDirectory(memory.resolve("memory" + b).resolve("node1"));
        }
    }

    private static void set(int block, String attribute, String value) throws IOException {
        Files.writeString(memory.resolve("memory" + block).resolve(attribute), value + "\n");
    }

    private static final List<LsmemReport.Column> ALL_COLUMNS =
            LsmemReport.Column.parseList("RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES");

    @Test
    void defaultColumnsAgreeWithLsmem() throws Exception {
        assertAgrees(LsmemReport.DEFAULT_COLUMNS, null, false, false);
    }

    @Test
    void nodeAndZoneColumnsAgreeWithLsmem() throws Exception {
        assertAgrees(ALL_COLUMNS, null, false, false);
    }

    @Test
    void bytesAgreeWithLsmem() throws Exception {
        assertAgrees(LsmemReport.DEFAULT_COLUMNS, null, false, true);
    }

    @Test
    void splitOnStateOnlyAgreesWithLsmem() throws Exception {
        assertAgrees(ALL_COLUMNS, "STATE", false, false);
    }

    @Test
    void everyBlockAgreesWithLsmemAll() throws Exception {
        assertAgrees(ALL_COLUMNS, null, true, false);
    }

    @Test
    void rawWithoutHeadingsMatchesLsmemColumnForColumn() throws Exception {
        MemoryTopology topology = new MemoryTopology(new LinuxSystemFiles(root));
        List<LsmemReport.Column> columns = LsmemReport.DEFAULT_COLUMNS;

        String ours = LsmemReport.table(LsmemReport.ranges(topology.blocks(), LsmemReport.defaultSplit(columns), false),
                columns, false).render(true, true);

        assertEquals(run(List.of("lsmem", "--sysroot", root.toString(), "-r", "-n")), ours);
    }

    /** This VM's own memory, read-only, as {@code --platform linux} reads it: byte for byte what lsmem -r -n prints. */
    @Test
    void rawWithoutHeadingsOnThisMachineIsLsmemItself() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/devices/system/memory")),
                "skipped: this machine has no /sys/devices/system/memory");
        MemoryTopology topology = new MemoryTopology(new LinuxSystemFiles(Path.of("/")));
        List<LsmemReport.Column> columns = LsmemReport.DEFAULT_COLUMNS;

        String ours = LsmemReport.table(LsmemReport.ranges(topology.blocks(), LsmemReport.defaultSplit(columns), false),
                columns, false).render(true, true);

        assertEquals(run(List.of("lsmem", "-r", "-n")), ours);
    }

    private void assertAgrees(List<LsmemReport.Column> columns, String split, boolean all, boolean bytes) throws Exception {
        MemoryTopology topology = new MemoryTopology(new LinuxSystemFiles(root));
        List<MemoryBlock> blocks = topology.blocks();
        String ours = LsmemReport.table(LsmemReport.ranges(blocks,
                split == null ? LsmemReport.defaultSplit(columns) : LsmemReport.parseSplit(split), all), columns, bytes)
                + "\n" + LsmemReport.summary(blocks, topology.blockSize(), bytes);
        List<String> command = new ArrayList<>(List.of("lsmem", "--sysroot", root.toString(), "-o",
                String.join(",", columns.stream().map(Enum::name).toList())));
        if (split != null) {
            command.add("--split=" + split);
        }
        if (all) {
            command.add("-a");
        }
        if (bytes) {
            command.add("-b");
        }
        String theirs = run(command);

        assertEquals(normalized(theirs), normalized(ours), "lsmem said:\n" + theirs + "\nwe said:\n" + ours);
    }

    private static List<List<String>> normalized(String text) {
        return Arrays.stream(text.split("\n")).map(l -> List.of(l.strip().split("\\s+"))).toList();
    }

    private static boolean lsmemAvailable() {
        try {
            run(List.of("lsmem", "--version"));
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(command + " failed: " + out);
        }
        return out;
    }
}
