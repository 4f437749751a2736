package org.syshotplug.rtas.internal.devicetree;

/**
 * One logical memory block of {@code ibm,dynamic-memory} (a v1 entry, or one LMB of a v2 set, computed when asked for).
 *
 * @param base     physical address of the block
 * @param drcIndex its DRC index (0 for boot memory that has no DRC)
 * @param aaIndex  row of {@code ibm,associativity-lookup-arrays}, {@code 0xffffffff} for none
 * @param flags    {@code DRCONF_MEM_*}
 */
public record Lmb(long base, long drcIndex, long aaIndex, long flags) {
    /** {@code DRCONF_MEM_ASSIGNED}: the LMB belongs to this partition. */
    public static final long ASSIGNED = 0x08;
    /** QEMU/powerpc-utils {@code DRC_INVALID}: no DRC stands behind the entry. */
    public static final long DRC_INVALID = 0x20;
    /** {@code DRCONF_MEM_AI_INVALID}. */
    public static final long AI_INVALID = 0x40;
    /** {@code DRCONF_MEM_RESERVED}: never hot-plugged. */
    public static final long RESERVED = 0x80;
    /** {@code DRCONF_MEM_HOTREMOVABLE}. */
    public static final long HOT_REMOVABLE = 0x100;
    public static final long NO_ASSOCIATIVITY = 0xFFFF_FFFFL;

    public boolean assigned() {
        return (flags & ASSIGNED) != 0;
    }

    public boolean reserved() {
        return (flags & RESERVED) != 0;
    }

    /** The kernel's {@code lmb_is_removable}: assigned and not reserved (the offline decides the rest). */
    public boolean removable() {
        return assigned() && !reserved();
    }

    /** Has a DRC that DLPAR can act on (QEMU marks boot memory {@code DRC_INVALID}). */
    public boolean hasDrc() {
        return (flags & DRC_INVALID) == 0;
    }
}
