package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /ibm,dynamic-reconfiguration-memory}: the LMB size and every LMB, decoded from
 * {@code ibm,dynamic-memory} (v1: count, then 24 bytes per LMB: u64 base, u32 drc index, u32
 * reserved, u32 aa index, u32 flags) or {@code ibm,dynamic-memory-v2} (count of sets, then 24 bytes
 * per set: u32 number of LMBs, u64 base, u32 first drc index, u32 aa index, u32 flags; LMB j of a
 * set lies at base + j * lmb-size with drc index + j). As in the kernel, v1 is preferred when both exist.
 * The v2 sets stay sets: {@link #lmbs()} computes an LMB from its set on demand, so a short property
 * that stands for millions of LMBs costs a few arrays, not an object per LMB.
 *
 * @param lmbs    every LMB in property order (the kernel's {@code drmem_info->lmbs}); for v2 a view over the sets
 * @param version 1 or 2: the property it was read from
 */
public record DynamicMemory(long lmbSize, List<Lmb> lmbs, int version) {
    public static final String NODE = "/ibm,dynamic-reconfiguration-memory";
    public static final String LMB_SIZE = "ibm,lmb-size";
    public static final String V1 = "ibm,dynamic-memory";
    public static final String V2 = "ibm,dynamic-memory-v2";
    private static final int ENTRY_SIZE = 24;
    private static final long U32_MAX = 0xFFFF_FFFFL;

    public DynamicMemory {
        lmbs = lmbs instanceof LmbSets ? lmbs : List.copyOf(lmbs);
    }

    /** The drconf node of a tree, or empty when it has none (a pre-CAS tree, or no device memory). */
    public static Optional<DynamicMemory> read(DeviceTree tree) {
        Optional<byte[]> size = tree.property(NODE, LMB_SIZE);
        if (size.isEmpty()) {
            return Optional.empty();
        }
        long lmbSize = decodeLmbSize(size.get());
        Optional<byte[]> v1 = tree.property(NODE, V1);
        if (v1.isPresent()) {
            return Optional.of(new DynamicMemory(lmbSize, decodeV1(v1.get()), 1));
        }
        Optional<byte[]> v2 = tree.property(NODE, V2);
        return v2.map(bytes -> new DynamicMemory(lmbSize, decodeV2(bytes, lmbSize), 2));
    }

    /** {@code ibm,lmb-size}: {@code #size-cells} cells, two on pseries; one cell accepted too. */
    public static long decodeLmbSize(byte[] value) {
        ByteCursor c = new ByteCursor(value, LMB_SIZE);
        long size = switch (value.length) {
            case 4 -> c.u32();
            case 8 -> c.u64();
            default -> throw new MalformedDataException(LMB_SIZE, 0, "length " + value.length
                    + " is neither one nor two cells");
        };
        if (size == 0) {
            throw new MalformedDataException(LMB_SIZE, 0, "the LMB size is 0");
        }
        return size;
    }

    public static List<Lmb> decodeV1(byte[] value) {
        ByteCursor c = new ByteCursor(value, V1);
        long n = c.u32();
        checkEntries(c, n, "LMBs");
        List<Lmb> out = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            long base = c.u64();
            long drc = c.u32();
            c.u32(); // reserved
            long aa = c.u32();
            long flags = c.u32();
            out.add(new Lmb(base, drc, aa, flags));
        }
        return out;
    }

    /** The LMBs of a v2 property, unexpanded: a list computed from the sets (see {@link DynamicMemory}). */
    public static List<Lmb> decodeV2(byte[] value, long lmbSize) {
        ByteCursor c = new ByteCursor(value, V2);
        long sets = c.u32();
        checkEntries(c, sets, "LMB sets");
        List<LmbSets.Set> out = new ArrayList<>((int) sets);
        long total = 0;
        for (long i = 0; i < sets; i++) {
            int at = c.offset();
            long count = c.u32();
            long base = c.u64();
            long drc = c.u32();
            long aa = c.u32();
            long flags = c.u32();
            if (count > 0 && drc + count - 1 > U32_MAX) {
                throw new MalformedDataException(V2, at, "set of " + count + " LMBs from drc index 0x"
                        + Long.toHexString(drc) + " runs past 0xffffffff");
            }
            // The kernel's drmem_info->lmbs array holds them all; beyond 2^24 no real partition goes.
            total += count;
            if (total > 1 << 24) {
                throw new MalformedDataException(V2, at, "more than 16777216 LMBs in all");
            }
            out.add(new LmbSets.Set(count, base, drc, aa, flags));
        }
        return new LmbSets(lmbSize, out);
    }

    private static void checkEntries(ByteCursor c, long n, String what) {
        if (n * ENTRY_SIZE != c.remaining()) {
            throw c.fail("the count says " + n + " " + what + " (" + n * ENTRY_SIZE + " bytes) but "
                    + c.remaining() + " bytes follow");
        }
    }

    public Optional<Lmb> byDrcIndex(long drcIndex) {
        if (lmbs instanceof LmbSets sets) {
            return sets.byDrcIndex(drcIndex);
        }
        return lmbs.stream().filter(l -> l.drcIndex() == drcIndex && l.hasDrc()).findFirst();
    }

    /** Position of an LMB in the property's order (the kernel's {@code drmem_info->lmbs}), or -1. */
    public int position(long drcIndex) {
        if (lmbs instanceof LmbSets sets) {
            return sets.position(drcIndex);
        }
        for (int i = 0; i < lmbs.size(); i++) {
            if (lmbs.get(i).drcIndex() == drcIndex && lmbs.get(i).hasDrc()) {
                return i;
            }
        }
        return -1;
    }
}
