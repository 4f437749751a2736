package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ibm,dynamic-memory-v2} stays as its sets: a 76-byte property that stands for 2^24 LMBs
 * decodes, counts, finds and walks its LMBs without an object per LMB (and so does {@code ibm,drc-info}). Bounded by memory (what the
 * thread allocates), not by time; the time is printed as a figure.
 */
class DynamicMemoryAtScaleTest {

    private static final long LMB_SIZE = 256L << 20;
    private static final int SETS = 3;
    private static final long MIB = 1 << 20;

    /** Three sets: 2^23 assigned LMBs from 0x80000000, 2^22 unassigned, 2^22 reserved; 4 + 3 * 24 = 76 bytes. */
    static byte[] property() {
        ByteBuffer b = ByteBuffer.allocate(4 + SETS * 24).putInt(SETS);
        b.putInt(1 << 23).putLong(0).putInt(0x80000000).putInt(0).putInt((int) Lmb.ASSIGNED);
        b.putInt(1 << 22).putLong((1L << 23) * LMB_SIZE).putInt(0x80800000).putInt(1).putInt(0);
        b.putInt(1 << 22).putLong((3L << 22) * LMB_SIZE).putInt(0x80c00000).putInt(2).putInt((int) Lmb.RESERVED);
        return b.array();
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    @Test
    void aSeventySixByteV2PropertyWithTwoToTheTwentyFourLmbsDecodesInUnderTenMib() {
        byte[] v2 = property();
        assertEquals(76, v2.length);
        DeviceTree tree = new MapDeviceTree()
                .put(DynamicMemory.NODE, DynamicMemory.LMB_SIZE, ByteBuffer.allocate(8).putLong(LMB_SIZE).array())
                .put(DynamicMemory.NODE, DynamicMemory.V2, v2);
        DynamicMemory.read(tree); // load the classes before counting

        long before = allocatedBytes();
        long start = System.nanoTime();
        DynamicMemory drmem = DynamicMemory.read(tree).orElseThrow();
        int count = drmem.lmbs().size();
        Lmb last = drmem.lmbs().get(count - 1);
        int position = drmem.position(0x80c00000L + (1 << 22) - 1);
        Lmb found = drmem.byDrcIndex(0x80812345L).orElseThrow();
        long nanos = System.nanoTime() - start;
        long allocated = allocatedBytes() - before;

        System.out.printf("FIGURE: ibm,dynamic-memory-v2 76 bytes, %d LMBs: decode + size + get + find %.3f ms,"
                + " %d bytes allocated%n", count, nanos / 1e6, allocated);
        assertTrue(allocated < 10 * MIB, () -> allocated + " bytes allocated");
        assertEquals(1 << 24, count);
        assertEquals(new Lmb(((1L << 24) - 1) * LMB_SIZE, 0x80c00000L + (1 << 22) - 1, 2, Lmb.RESERVED), last);
        assertEquals((1 << 24) - 1, position);
        assertEquals(new Lmb(((1L << 23) + 0x12345) * LMB_SIZE, 0x80812345L, 1, 0), found);
    }

    @Test
    void walkingEveryLmbAllocatesNoListOfThem() {
        List<Lmb> lmbs = DynamicMemory.decodeV2(property(), LMB_SIZE);
        long before = allocatedBytes();

        long assigned = lmbs.stream().filter(Lmb::assigned).count();
        List<Lmb> window = lmbs.subList((1 << 23) - 2, (1 << 23) + 2);

        assertEquals(1 << 23, assigned);
        assertEquals(List.of(0x807ffffeL, 0x807fffffL, 0x80800000L, 0x80800001L),
                window.stream().map(Lmb::drcIndex).toList());
        assertTrue(lmbs.toString().length() < 1000, "the sets, not every LMB");
        // Each LMB handed out is a short-lived object; what must not happen is keeping them (16.7 M x 48 bytes).
        assertTrue(allocatedBytes() - before < 2L * (1 << 24) * 48, "garbage only, no retained copy");
    }

    @Test
    void setsAgreeWithTheExpandedListElementByElement() {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * 24).putInt(4);
        b.putInt(3).putLong(0).putInt(0).putInt(-1).putInt(0xa0);
        b.putInt(0).putLong(0x1000_0000L).putInt(0x80000001).putInt(0).putInt(0x8);
        b.putInt(2).putLong(0x3000_0000L).putInt(0x80000003).putInt(0).putInt(0x8);
        b.putInt(1).putLong(0x5000_0000L).putInt(0x80000005).putInt(1).putInt(0);
        List<Lmb> lmbs = DynamicMemory.decodeV2(b.array(), 0x1000_0000L);

        assertEquals(List.of(new Lmb(0, 0, 0xffffffffL, 0xa0), new Lmb(0x1000_0000L, 1, 0xffffffffL, 0xa0),
                new Lmb(0x2000_0000L, 2, 0xffffffffL, 0xa0), new Lmb(0x3000_0000L, 0x80000003L, 0, 0x8),
                new Lmb(0x4000_0000L, 0x80000004L, 0, 0x8), new Lmb(0x5000_0000L, 0x80000005L, 1, 0)), List.copyOf(lmbs));
        assertEquals(4, lmbs.indexOf(new Lmb(0x4000_0000L, 0x80000004L, 0, 0x8)));
        DynamicMemory drmem = new DynamicMemory(0x1000_0000L, lmbs, 2);
        assertEquals(-1, drmem.position(1), "boot memory has no DRC (DRC_INVALID)");
        assertEquals(-1, drmem.position(0x80000001L), "the empty set lists nothing");
        assertEquals(5, drmem.position(0x80000005L));
        assertEquals(drmem, new DynamicMemory(0x1000_0000L, List.copyOf(lmbs), 2), "equal to its expansion");
    }

    @Test
    void aDrcInfoSetOfTwoToTheTwentyFourLmbDrcsStaysASet() {
        byte[] info = ByteBuffer.allocate(4 + 4 + 5 + 20).putInt(1).put("MEM\0LMB \0".getBytes())
                .putInt(0x80000000).putInt(0).putInt(1 << 24).putInt(1).putInt(-1).array();
        DeviceTree tree = new MapDeviceTree().put("/", DrcTable.INFO, info);
        DrcTable.read(tree, "/"); // load the classes before counting

        long before = allocatedBytes();
        List<Drc> drcs = DrcTable.read(tree, "/");
        int count = drcs.size();
        Drc last = drcs.get(count - 1);
        Drc found = DrcTable.byIndex(drcs, 0x80abcdefL).orElseThrow();
        long allocated = allocatedBytes() - before;

        assertTrue(allocated < 10 * MIB, () -> allocated + " bytes allocated");
        assertEquals(1 << 24, count);
        assertEquals(new Drc(0x80ffffffL, "LMB 16777215", "MEM", -1, "/"), last);
        assertEquals(new Drc(0x80abcdefL, "LMB " + 0xabcdef, "MEM", -1, "/"), found);
        assertEquals(java.util.Optional.empty(), DrcTable.byIndex(drcs, 0x81000000L));
        assertEquals(List.of(new Drc(0x80000000L, "LMB 0", "MEM", -1, "/"), new Drc(0x80000001L, "LMB 1", "MEM", -1, "/")),
                drcs.subList(0, 2));
    }
}
