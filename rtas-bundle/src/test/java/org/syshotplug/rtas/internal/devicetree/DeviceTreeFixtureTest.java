package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.syshotplug.rtas.internal.testing.DirectorySystemFiles;

class DeviceTreeFixtureTest {
    private static final long GIB = 1L << 30;
    private static final long LMB_SIZE = 256L << 20;

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DeviceTreeFixtureTest.class.getResourceAsStream("/fixtures/pseries/" + name)) {
            return in.readAllBytes();
        }
    }

    static DeviceTree precas() throws IOException {
        return FlattenedDeviceTree.parse(resource("qemu72-pseries-precas.dtb"));
    }

    static DeviceTree postcasBlob() throws IOException {
        return FlattenedDeviceTree.parse(resource("qemu72-linux61-postcas-boot.dtb"));
    }

    static DeviceTree postcasDirectory() throws URISyntaxException {
        Path folder = Path.of(DeviceTreeFixtureTest.class.getResource("/fixtures/pseries/proc-device-tree").toURI());
        return new ProcDeviceTree(DirectorySystemFiles.deviceTree(folder));
    }

    @Test
    void dumpdtbTreeListsEightCpuDrcsInQemuOrder() throws IOException {
        List<Drc> cpus = DrcTable.read(precas(), "/cpus");
        assertEquals(List.of("CPU 3", "CPU 4", "CPU 5", "CPU 6", "CPU 7", "CPU 0", "CPU 1", "CPU 2"),
                cpus.stream().map(Drc::name).toList());
        assertEquals(0x10000003L, cpus.get(0).index());
        assertEquals(0x10000002L, cpus.get(7).index());
        assertTrue(cpus.stream().allMatch(d -> d.isCpu() && d.powerDomain() == -1 && d.parent().equals("/cpus")));
    }

    @Test
    void dumpdtbTreeHasOneLmbDrcPer256MibOfDeviceMemory() throws IOException {
        List<Drc> root = DrcTable.read(precas(), "/");
        List<Drc> lmbs = root.stream().filter(Drc::isMemory).toList();
        assertEquals((8 * GIB - 2 * GIB) / LMB_SIZE, lmbs.size());
        assertEquals(24, lmbs.size());
        assertEquals(List.of(0x80000008L, 0x8000001fL), List.of(
                lmbs.stream().mapToLong(Drc::index).min().getAsLong(), lmbs.stream().mapToLong(Drc::index).max().getAsLong()));
        assertTrue(lmbs.stream().allMatch(d -> d.name().equals("LMB " + (d.index() & 0xfffffff))));
        assertEquals(59, root.size());
        assertEquals(31, root.stream().filter(d -> d.type().equals("PHB")).count());
        assertEquals(4, root.stream().filter(d -> d.type().equals("PMEM")).count());
    }

    @Test
    void dumpdtbTreeHasNoDrconfNodeBeforeCas() throws IOException {
        assertTrue(DynamicMemory.read(precas()).isEmpty());
        assertFalse(precas().hasNode(DynamicMemory.NODE));
    }

    @Test
    void pciSlotTypesOfTwoCharactersDecodeAsStrings() throws IOException {
        List<Drc> slots = DrcTable.read(precas(), "/pci@800000020000000");
        assertEquals(256, slots.size());
        assertTrue(slots.stream().allMatch(d -> d.type().equals("28")));
        assertEquals("C109", slots.stream().filter(d -> d.index() == 0x4000006dL).findFirst().orElseThrow().name());
    }

    @Test
    void liveGuestTreeDecodesDynamicMemoryV2Sets() throws IOException {
        DynamicMemory drmem = DynamicMemory.read(postcasBlob()).orElseThrow();
        assertEquals(2, drmem.version());
        assertEquals(LMB_SIZE, drmem.lmbSize());
        assertEquals(8 + 2 + 22, drmem.lmbs().size());
        Lmb boot = drmem.lmbs().get(0);
        assertEquals(new Lmb(0, 0, 0xffffffffL, 0xa0), boot);
        assertFalse(boot.hasDrc());
        Lmb dimm = drmem.byDrcIndex(0x80000009L).orElseThrow();
        assertEquals(new Lmb(0x90000000L, 0x80000009L, 0, 0x108), dimm);
        assertTrue(dimm.removable());
        Lmb free = drmem.byDrcIndex(0x8000001fL).orElseThrow();
        assertEquals(0x1f0000000L, free.base());
        assertFalse(free.assigned());
    }

    @Test
    void blobAndDirectoryFormsOfTheLiveTreeDecodeIdentically() throws Exception {
        DeviceTree blob = postcasBlob();
        DeviceTree dir = postcasDirectory();
        assertEquals(DynamicMemory.read(blob), DynamicMemory.read(dir));
        for (String node : List.of("/", "/cpus", "/pci@800000020000000")) {
            assertEquals(DrcTable.read(blob, node), DrcTable.read(dir, node), node);
        }
        assertEquals(8, DrcTable.read(dir, "/cpus").size());
        for (String cpu : List.of("/cpus/PowerPC,POWER9@0", "/cpus/PowerPC,POWER9@1")) {
            assertEquals(DrcTable.myDrcIndex(blob, cpu), DrcTable.myDrcIndex(dir, cpu), cpu);
        }
        assertEquals(0x10000001L, DrcTable.myDrcIndex(dir, "/cpus/PowerPC,POWER9@1").orElseThrow());
        assertArrayEquals(blob.property(DynamicMemory.NODE, DynamicMemory.LMB_SIZE).orElseThrow(),
                dir.property(DynamicMemory.NODE, DynamicMemory.LMB_SIZE).orElseThrow());
    }

    @Test
    void directoryFormListsNodesAndPropertiesSeparately() throws Exception {
        DeviceTree dir = postcasDirectory();
        List<String> cpus = dir.children("/cpus");
        assertEquals(List.of("PowerPC,POWER9@0", "PowerPC,POWER9@1"),
                cpus.stream().filter(c -> c.startsWith("PowerPC")).sorted().collect(Collectors.toList()));
        assertTrue(dir.properties(DynamicMemory.NODE).contains(DynamicMemory.V2));
        assertTrue(dir.hasNode(DynamicMemory.NODE));
        assertTrue(dir.property("/", "no-such-property").isEmpty());
    }
}
