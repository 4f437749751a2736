package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.List;

/**
 * One set of the compressed {@code ibm,drc-info} property (PAPR; kernel {@code of_read_drc_info_cell}).
 * Element i has index {@code indexStart + i * increment}. Names follow the rule kernel rpaphp and
 * powerpc-utils agree on: prefix followed by {@code suffixStart + i * increment} in decimal.
 */
public record DrcInfoSet(String type, String namePrefix, long indexStart, long suffixStart, long count,
        long increment, int powerDomain) {

    public long lastIndex() {
        return indexStart + (count - 1) * increment;
    }

    public boolean covers(long index) {
        return count > 0 && index >= indexStart && index <= lastIndex()
                && (increment == 0 ? index == indexStart : (index - indexStart) % increment == 0);
    }

    /** Element {@code i} of the set, as a DRC listed by {@code parent}. */
    public Drc drc(long i, String parent) {
        return new Drc((indexStart + i * increment) & 0xFFFF_FFFFL, namePrefix + (suffixStart + i * increment), type,
                powerDomain, parent);
    }

    /** The element that has {@code index}, or -1 (the first one when the increment is 0). */
    public long elementOf(long index) {
        return covers(index) ? increment == 0 ? 0 : (index - indexStart) / increment : -1;
    }

    public List<Drc> expand(String parent) {
        List<Drc> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            out.add(drc(i, parent));
        }
        return out;
    }
}
