package org.syshotplug.rtas.internal.devicetree;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The LMBs of {@code ibm,dynamic-memory-v2}, kept as the property's sets: LMB j of a set lies at
 * base + j * lmb-size with drc index + j, so any LMB is computed from its set when asked for. A
 * 76-byte property can stand for 2^24 LMBs; expanding them would take gigabytes, this takes a few
 * arrays as long as the number of sets. Immutable; sets without LMBs are left out.
 */
final class LmbSets extends AbstractList<Lmb> implements RandomAccess {
    private final long lmbSize;
    // Position of each set's first LMB in the whole list, ascending; with the set's fields by set.
    private final int[] first;
    private final long[] base;
    private final long[] drc;
    private final long[] aa;
    private final long[] flags;
    private final int size;

    /** One set as the property lists it. */
    record Set(long count, long base, long drcIndex, long aaIndex, long flags) {
    }

    LmbSets(long lmbSize, java.util.List<Set> sets) {
        this.lmbSize = lmbSize;
        java.util.List<Set> kept = sets.stream().filter(s -> s.count() > 0).toList();
        int n = kept.size();
        first = new int[n];
        base = new long[n];
        drc = new long[n];
        aa = new long[n];
        flags = new long[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            Set s = kept.get(i);
            first[i] = (int) total;
            base[i] = s.base();
            drc[i] = s.drcIndex();
            aa[i] = s.aaIndex();
            flags[i] = s.flags();
            total += s.count();
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(total + " LMBs do not fit a list");
            }
        }
        size = (int) total;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Lmb get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("LMB " + index + " of " + size);
        }
        int set = setOf(index);
        return lmb(set, index - first[set]);
    }

    private int setOf(int index) {
        int at = Arrays.binarySearch(first, index);
        return at >= 0 ? at : -at - 2;
    }

    private int count(int set) {
        return (set + 1 < first.length ? first[set + 1] : size) - first[set];
    }

    private Lmb lmb(int set, long j) {
        return new Lmb(base[set] + j * lmbSize, drc[set] + j, aa[set], flags[set]);
    }

    /** Walks set by set: no search per element. */
    @Override
    public Iterator<Lmb> iterator() {
        return new Iterator<>() {
            private int set;
            private int j;

            @Override
            public boolean hasNext() {
                return set < first.length;
            }

            @Override
            public Lmb next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Lmb next = lmb(set, j);
                if (++j == count(set)) {
                    set++;
                    j = 0;
                }
                return next;
            }
        };
    }

    /** Position of the first LMB with a DRC that has {@code drcIndex}, or -1; one look per set. */
    int position(long drcIndex) {
        for (int set = 0; set < first.length; set++) {
            long j = drcIndex - drc[set];
            if ((flags[set] & Lmb.DRC_INVALID) == 0 && j >= 0 && j < count(set)) {
                return first[set] + (int) j;
            }
        }
        return -1;
    }

    Optional<Lmb> byDrcIndex(long drcIndex) {
        int at = position(drcIndex);
        return at < 0 ? Optional.empty() : Optional.of(get(at));
    }

    /** The sets, not every LMB: a list of millions must not become a string of gigabytes. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[").append(size).append(" LMBs in ").append(first.length).append(" sets");
        for (int set = 0; set < first.length; set++) {
            b.append(set == 0 ? ": " : ", ").append(count(set)).append(" from ").append(lmb(set, 0));
        }
        return b.append(']').toString();
    }
}
