package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DRCs a node lists: from {@code ibm,drc-info} when present (the kernel prefers it), else from
 * the four position-correlated arrays {@code ibm,drc-indexes}, {@code ibm,drc-names},
 * {@code ibm,drc-types} and {@code ibm,drc-power-domains}, each a BE u32 count followed by the
 * entries. The arrays are not sorted (QEMU lists {@code /cpus} as CPU 3..7, 0..2); entry i of each
 * describes DRC i, so the order is kept.
 */
public final class DrcTable {
    public static final String INDEXES = "ibm,drc-indexes";
    public static final String NAMES = "ibm,drc-names";
    public static final String TYPES = "ibm,drc-types";
    public static final String POWER_DOMAINS = "ibm,drc-power-domains";
    public static final String INFO = "ibm,drc-info";
    public static final String MY_DRC_INDEX = "ibm,my-drc-index";
    /** The most DRCs {@code ibm,drc-info} may expand to (as many as {@code ibm,dynamic-memory-v2} may list LMBs). */
    static final long MAX_DRCS = 1 << 24;

    private DrcTable() {
    }

    /**
     * The DRCs of a node, in property order; empty when the node lists none. From {@code ibm,drc-info}
     * the list is a view computed from the sets (see {@link #byIndex}), not one object per DRC.
     */
    public static List<Drc> read(DeviceTree tree, String node) {
        Optional<byte[]> info = tree.property(node, INFO);
        if (info.isPresent()) {
            return new DrcInfoList(node, decodeInfo(info.get()));
        }
        Optional<byte[]> indexes = tree.property(node, INDEXES);
        if (indexes.isEmpty()) {
            return List.of();
        }
        List<Long> idx = decodeIndexes(indexes.get(), INDEXES);
        List<String> names = decodeStrings(require(tree, node, NAMES), NAMES);
        List<String> types = decodeStrings(require(tree, node, TYPES), TYPES);
        List<Long> domains = decodeIndexes(require(tree, node, POWER_DOMAINS), POWER_DOMAINS);
        int n = idx.size();
        if (names.size() != n || types.size() != n || domains.size() != n) {
            throw new MalformedDataException(node + " DRC arrays", 0, "counts differ: " + n + " indexes, "
                    + names.size() + " names, " + types.size() + " types, " + domains.size() + " power domains");
        }
        List<Drc> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Drc(idx.get(i), names.get(i), types.get(i), (int) (long) domains.get(i), node));
        }
        return out;
    }

    private static byte[] require(DeviceTree tree, String node, String property) {
        return tree.property(node, property).orElseThrow(() -> new MalformedDataException(node, 0,
                INDEXES + " is present but " + property + " is missing"));
    }

    /** A BE u32 count N, then exactly N BE u32 cells ({@code ibm,drc-indexes}, {@code ibm,drc-power-domains}). */
    public static List<Long> decodeIndexes(byte[] value, String property) {
        ByteCursor c = new ByteCursor(value, property);
        long n = c.u32();
        if (n * 4 != c.remaining()) {
            throw c.fail("the count says " + n + " cells (" + n * 4 + " bytes) but " + c.remaining() + " bytes follow");
        }
        List<Long> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(c.u32());
        }
        return out;
    }

    /** A BE u32 count N (four raw bytes, not a string), then N NUL-terminated strings and nothing after. */
    public static List<String> decodeStrings(byte[] value, String property) {
        ByteCursor c = new ByteCursor(value, property);
        long n = c.u32();
        if (n > c.remaining()) {
            throw c.fail("the count says " + n + " strings but only " + c.remaining() + " bytes follow");
        }
        List<String> out = new ArrayList<>((int) n);
        for (long i = 0; i < n; i++) {
            out.add(c.cstring("string " + (i + 1) + " of " + n));
        }
        if (!c.atEnd()) {
            throw c.fail(c.remaining() + " bytes follow the " + n + " strings the count announced");
        }
        return out;
    }

    /** {@code ibm,drc-info}: a BE u32 number of sets, then per set type, prefix (strings) and five BE u32 cells. */
    public static List<DrcInfoSet> decodeInfo(byte[] value) {
        ByteCursor c = new ByteCursor(value, INFO);
        long n = c.u32();
        List<DrcInfoSet> out = new ArrayList<>();
        long total = 0;
        for (long i = 0; i < n; i++) {
            String type = c.cstring("drc-type of set " + (i + 1));
            String prefix = c.cstring("drc-name-prefix of set " + (i + 1));
            long start = c.u32();
            long suffix = c.u32();
            int at = c.offset();
            long count = c.u32();
            long increment = c.u32();
            int domain = (int) c.u32();
            // (count - 1) * increment can pass 2^63: compare by division so the check cannot overflow.
            if (count > 0 && increment > 0 && count - 1 > (0xFFFF_FFFFL - start) / increment) {
                throw new MalformedDataException(INFO, at, "set " + (i + 1) + " (" + count + " elements, increment "
                        + increment + ") runs past drc index 0xffffffff");
            }
            // Bound the total as ibm,dynamic-memory-v2 is bounded: callers may still walk every element.
            total += count;
            if (total > MAX_DRCS) {
                throw new MalformedDataException(INFO, at, "set " + (i + 1) + " (" + count + " elements) brings the"
                        + " total past " + MAX_DRCS + " DRCs");
            }
            out.add(new DrcInfoSet(type, prefix, start, suffix, count, increment, domain));
        }
        if (!c.atEnd()) {
            throw c.fail(c.remaining() + " bytes follow the " + n + " sets the count announced");
        }
        return out;
    }

    /** The first DRC of {@code drcs} (as {@link #read} returned them) with {@code index}; from drc-info by one look per set. */
    public static Optional<Drc> byIndex(List<Drc> drcs, long index) {
        if (drcs instanceof DrcInfoList info) {
            return info.byIndex(index);
        }
        return drcs.stream().filter(d -> d.index() == index).findFirst();
    }

    /** {@code ibm,my-drc-index} of a node, if it has one. */
    public static Optional<Long> myDrcIndex(DeviceTree tree, String node) {
        return tree.property(node, MY_DRC_INDEX).map(v -> {
            ByteCursor c = new ByteCursor(v, node + "/" + MY_DRC_INDEX);
            long index = c.u32();
            if (!c.atEnd()) {
                throw c.fail("expected exactly one cell, found " + v.length + " bytes");
            }
            return index;
        });
    }
}
