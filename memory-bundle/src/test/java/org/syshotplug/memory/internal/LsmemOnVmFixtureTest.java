package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * The lsmem view computed from the platform bundle's capture of this VM's sysfs agrees with what
 * util-linux lsmem printed on the same VM (fixtures/vm-lsmem): same ranges, sizes, states,
 * removability, blocks, nodes and zones, and the same summary lines character for character.
 * Column padding is libsmartcols' business, so table rows are compared field by field.
 */
class LsmemOnVmFixtureTest {

    static final Path VM_SYSFS = Path.of("../platform-bundle/src/test/resources/fixtures/vm-linux");

    private final MemoryTopology topology = new MemoryTopology(new LinuxSystemFiles(VM_SYSFS));

    @Test
    void defaultViewMatchesLsmem() throws Exception {
        assertSameAsLsmem("lsmem.txt", LsmemReport.DEFAULT_COLUMNS, false, false);
    }

    @Test
    void nodeAndZoneColumnsSplitLikeLsmem() throws Exception {
        assertSameAsLsmem("lsmem-node-zones.txt", LsmemReport.Column.parseList("RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES"),
                false, false);
    }

    @Test
    void everyBlockOnItsOwnLineMatchesLsmemAll() throws Exception {
        assertSameAsLsmem("lsmem-all.txt", LsmemReport.DEFAULT_COLUMNS, true, false);
    }

    @Test
    void sizesInBytesMatchLsmemBytes() throws Exception {
        assertSameAsLsmem("lsmem-bytes.txt", LsmemReport.DEFAULT_COLUMNS, false, true);
    }

    @Test
    void summaryMatchesLsmemCharacterForCharacter() throws Exception {
        assertEquals(captured("lsmem-summary.txt"), LsmemReport.summary(topology.blocks(), topology.blockSize(), false));
    }

    private void assertSameAsLsmem(String capture, List<LsmemReport.Column> columns, boolean all, boolean bytes)
            throws Exception {
        List<MemoryBlock> blocks = topology.blocks();
        String ours = LsmemReport.table(LsmemReport.ranges(blocks, LsmemReport.defaultSplit(columns), all), columns, bytes)
                + "\n" + LsmemReport.summary(blocks, topology.blockSize(), bytes);
        String[] theirs = captured(capture).split("\n", -1);
        String[] mine = ours.split("\n", -1);
        int blank = Arrays.asList(theirs).indexOf("");

        assertEquals(fields(theirs, 0, blank), fields(mine, 0, Arrays.asList(mine).indexOf("")), capture + " table");
        assertEquals(String.join("\n", Arrays.copyOfRange(theirs, blank, theirs.length)),
                String.join("\n", Arrays.copyOfRange(mine, Arrays.asList(mine).indexOf(""), mine.length)), capture + " summary");
    }

    private static List<List<String>> fields(String[] lines, int from, int to) {
        return Arrays.stream(lines, from, to).map(l -> List.of(l.strip().split("\\s+"))).toList();
    }

    private static String captured(String name) throws IOException {
        try (InputStream in = LsmemOnVmFixtureTest.class.getResourceAsStream("/fixtures/vm-lsmem/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
