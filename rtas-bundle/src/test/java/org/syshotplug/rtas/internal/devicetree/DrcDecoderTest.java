package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class DrcDecoderTest {

    /** {@code ibm,dynamic-memory} as the kernel's {@code drmem_update_dt_v1} writes it. */
    static byte[] dynamicMemoryV1(List<Lmb> lmbs) {
        ByteBuffer b = ByteBuffer.allocate(4 + 24 * lmbs.size());
        b.putInt(lmbs.size());
        for (Lmb l : lmbs) {
            b.putLong(l.base()).putInt((int) l.drcIndex()).putInt(0).putInt((int) l.aaIndex()).putInt((int) l.flags());
        }
        return b.array();
    }

    @Test
    void dynamicMemoryV1DecodesEveryEntry() {
        List<Lmb> lmbs = List.of(new Lmb(0, 0, 0xffffffffL, 0xa0), new Lmb(0x80000000L, 0x80000008L, 0, 0x108),
                new Lmb(0x90000000L, 0x80000009L, 0xffffffffL, 0), new Lmb(0x1_f000_0000L, 0x8000001fL, 1, 0x8));
        assertEquals(lmbs, DynamicMemory.decodeV1(dynamicMemoryV1(lmbs)));
    }

    @Test
    void dynamicMemoryV1IsPreferredOverV2() {
        byte[] v1 = dynamicMemoryV1(List.of(new Lmb(0x80000000L, 0x80000008L, 0, 0x8)));
        DeviceTree tree = new MapDeviceTree()
                .put(DynamicMemory.NODE, DynamicMemory.LMB_SIZE, ByteBuffer.allocate(8).putLong(256L << 20).array())
                .put(DynamicMemory.NODE, DynamicMemory.V1, v1)
                .put(DynamicMemory.NODE, DynamicMemory.V2, new byte[] {0, 0, 0, 0});
        DynamicMemory drmem = DynamicMemory.read(tree).orElseThrow();
        assertEquals(1, drmem.version());
        assertEquals(1, drmem.lmbs().size());
    }

    @Test
    void dynamicMemoryV1WithACountLargerThanTheDataIsRefused() {
        byte[] v1 = dynamicMemoryV1(List.of(new Lmb(0, 0, 0, 0), new Lmb(0, 1, 0, 0)));
        byte[] cut = Arrays.copyOf(v1, v1.length - 3);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DynamicMemory.decodeV1(cut));
        assertEquals(4, e.offset());
        assertTrue(e.getMessage().contains("the count says 2 LMBs (48 bytes) but 45 bytes follow"), e.getMessage());
    }

    @Test
    void dynamicMemoryV2SetRunningPastTheLastIndexIsRefused() {
        ByteBuffer b = ByteBuffer.allocate(28).putInt(1).putInt(4).putLong(0).putInt(0xfffffffe).putInt(-1).putInt(0);
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DynamicMemory.decodeV2(b.array(), 256L << 20));
        assertEquals(4, e.offset());
    }

    @Test
    void lmbSizeOfThreeBytesIsRefused() {
        assertThrows(MalformedDataException.class, () -> DynamicMemory.decodeLmbSize(new byte[3]));
        assertEquals(0x10000000L, DynamicMemory.decodeLmbSize(new byte[] {0, 0, 0, 0, 0x10, 0, 0, 0}));
    }

    @Test
    void drcNamesStartWithARawCountNotAString() {
        byte[] names = concat(new byte[] {0, 0, 0, 2}, "CPU 3\0CPU 4\0".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of("CPU 3", "CPU 4"), DrcTable.decodeStrings(names, DrcTable.NAMES));
    }

    @Test
    void drcNamesWithAnUnterminatedLastStringNameTheOffset() {
        byte[] names = concat(new byte[] {0, 0, 0, 2}, "CPU 3\0CPU 4".getBytes(StandardCharsets.US_ASCII));
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DrcTable.decodeStrings(names, DrcTable.NAMES));
        assertEquals(10, e.offset());
        assertTrue(e.getMessage().startsWith("ibm,drc-names: string 2 of 2 is not NUL-terminated"), e.getMessage());
    }

    @Test
    void drcIndexesShorterThanTheirCountAreRefused() {
        byte[] idx = {0, 0, 0, 3, 0x10, 0, 0, 0, 0x10, 0, 0, 1};
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> DrcTable.decodeIndexes(idx, DrcTable.INDEXES));
        assertTrue(e.getMessage().contains("the count says 3 cells (12 bytes) but 8 bytes follow"), e.getMessage());
    }

    @Test
    void arraysOfDifferentLengthAreRefused() {
        DeviceTree tree = new MapDeviceTree()
                .put("/cpus", DrcTable.INDEXES, new byte[] {0, 0, 0, 1, 0x10, 0, 0, 0})
                .put("/cpus", DrcTable.NAMES, concat(new byte[] {0, 0, 0, 2}, "CPU 0\0CPU 1\0".getBytes()))
                .put("/cpus", DrcTable.TYPES, concat(new byte[] {0, 0, 0, 1}, "CPU\0".getBytes()))
                .put("/cpus", DrcTable.POWER_DOMAINS, new byte[] {0, 0, 0, 1, -1, -1, -1, -1});
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DrcTable.read(tree, "/cpus"));
        assertTrue(e.getMessage().contains("1 indexes, 2 names"), e.getMessage());
    }

    @Test
    void drcInfoExpandsSetsIntoIndexesAndNames() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 2});
        out.writeBytes("CPU\0CPU \0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(20).putInt(0x10000000).putInt(0).putInt(4).putInt(1).putInt(-1).array());
        out.writeBytes("MEM\0LMB \0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(20).putInt(0x80000008).putInt(8).putInt(2).putInt(1).putInt(-1).array());
        DeviceTree tree = new MapDeviceTree().put("/cpus", DrcTable.INFO, out.toByteArray());
        List<Drc> drcs = DrcTable.read(tree, "/cpus");
        assertEquals(6, drcs.size());
        assertEquals(new Drc(0x10000003L, "CPU 3", "CPU", -1, "/cpus"), drcs.get(3));
        assertEquals(new Drc(0x80000009L, "LMB 9", "MEM", -1, "/cpus"), drcs.get(5));
        assertTrue(DrcTable.decodeInfo(out.toByteArray()).get(0).covers(0x10000002L));
    }

    @Test
    void drcInfoTruncatedInsideASetNamesTheOffset() {
        byte[] info = concat(new byte[] {0, 0, 0, 1}, "CPU\0CPU \0".getBytes(), new byte[] {0x10, 0, 0, 0, 0, 0});
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> DrcTable.decodeInfo(info));
        assertEquals(17, e.offset(), "the suffix cell after 4 + 4 + 5 + 4 bytes");
    }

    @Test
    void blobWithWrongMagicIsRefused() {
        MalformedDataException e = assertThrows(MalformedDataException.class,
                () -> FlattenedDeviceTree.parse(new byte[64]));
        assertEquals(0, e.offset());
    }

    @Test
    void truncatedBlobIsRefusedNotReadPast() throws Exception {
        byte[] blob = DeviceTreeFixtureTest.resource("qemu72-pseries-precas.dtb");
        byte[] cut = Arrays.copyOf(blob, blob.length / 2);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> FlattenedDeviceTree.parse(cut));
        assertTrue(e.getMessage().contains("totalsize"), e.getMessage());
    }

    @Test
    void blobWithAPropertyRunningPastTheStructureBlockIsRefused() throws Exception {
        byte[] blob = DeviceTreeFixtureTest.resource("qemu72-pseries-precas.dtb");
        ByteBuffer b = ByteBuffer.wrap(blob);
        int struct = b.getInt(8);
        // The first token is the root BEGIN_NODE with an empty name (8 bytes); then its first property.
        assertEquals(3, b.getInt(struct + 8));
        b.putInt(struct + 12, 0x7fffffff);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> FlattenedDeviceTree.parse(blob));
        assertEquals(struct + 8, e.offset());
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
