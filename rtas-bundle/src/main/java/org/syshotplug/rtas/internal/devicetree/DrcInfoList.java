package org.syshotplug.rtas.internal.devicetree;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * The DRCs of {@code ibm,drc-info}, kept as its sets: element i of a set is computed when asked for,
 * so a property of a few dozen bytes that stands for millions of DRCs costs an array per set, not an
 * object per DRC. Immutable; sets without elements are left out.
 */
final class DrcInfoList extends AbstractList<Drc> implements RandomAccess {
    private final String parent;
    private final DrcInfoSet[] sets;
    // Position of each set's first DRC in the whole list, ascending.
    private final int[] first;
    private final int size;

    DrcInfoList(String parent, List<DrcInfoSet> sets) {
        this.parent = parent;
        this.sets = sets.stream().filter(s -> s.count() > 0).toArray(DrcInfoSet[]::new);
        this.first = new int[this.sets.length];
        long total = 0;
        for (int i = 0; i < this.sets.length; i++) {
            first[i] = (int) total;
            total += this.sets[i].count();
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(total + " DRCs do not fit a list");
            }
        }
        size = (int) total;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Drc get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("DRC " + index + " of " + size);
        }
        int at = Arrays.binarySearch(first, index);
        int set = at >= 0 ? at : -at - 2;
        return sets[set].drc(index - first[set], parent);
    }

    /** Walks set by set: no search per element. */
    @Override
    public Iterator<Drc> iterator() {
        return new Iterator<>() {
            private int set;
            private long i;

            @Override
            public boolean hasNext() {
                return set < sets.length;
            }

            @Override
            public Drc next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Drc next = sets[set].drc(i, parent);
                if (++i == sets[set].count()) {
                    set++;
                    i = 0;
                }
                return next;
            }
        };
    }

    /** The first DRC with {@code index}, found by one look per set. */
    Optional<Drc> byIndex(long index) {
        for (DrcInfoSet set : sets) {
            long i = set.elementOf(index);
            if (i >= 0) {
                return Optional.of(set.drc(i, parent));
            }
        }
        return Optional.empty();
    }

    /** The sets, not every DRC: a list of millions must not become a string of gigabytes. */
    @Override
    public String toString() {
        return "[" + size + " DRCs of " + parent + " in " + sets.length + " sets: " + Arrays.toString(sets) + "]";
    }
}
