package org.syshotplug.memory.internal;

import java.util.List;
import java.util.Locale;

/** The words a memory block's {@code state} file takes to online it, each choosing the zone. */
enum OnlineZone {
    /** The kernel's default zone for the block (usually a kernel zone, Movable with movable_node). */
    ONLINE("online"),
    /** ZONE_MOVABLE: the block can be emptied and removed again later. */
    MOVABLE("online_movable"),
    /** The default kernel zone (Normal, DMA32, ...): usable for kernel allocations, seldom removable. */
    KERNEL("online_kernel");

    private final String word;

    OnlineZone(String word) {
        this.word = word;
    }

    String word() {
        return word;
    }

    /** Takes the kernel words and, as chmem -z does, the zone names Movable and Normal. */
    static OnlineZone parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "online" -> ONLINE;
            case "online_movable", "movable" -> MOVABLE;
            case "online_kernel", "kernel", "normal" -> KERNEL;
            default -> throw new IllegalArgumentException("invalid zone '" + MemorySize.printable(t)
                    + "': expected online, online_movable (or Movable) or online_kernel (or Normal)");
        };
    }

    /**
     * Can an offline block whose {@code valid_zones} reads {@code zones} be onlined this way?
     * An empty list means the kernel did not say, and the kernel decides.
     */
    boolean allowedBy(List<String> zones) {
        if (zones.isEmpty() || zones.contains("none")) {
            return true;
        }
        return switch (this) {
            case ONLINE -> true;
            case MOVABLE -> zones.contains(MemoryBlock.MOVABLE_ZONE);
            case KERNEL -> zones.stream().anyMatch(z -> !z.equals(MemoryBlock.MOVABLE_ZONE));
        };
    }

    /** The word that puts an online block back where it was after an offline is undone. */
    static OnlineZone restoring(MemoryBlock block) {
        return block.validZones().contains(MemoryBlock.MOVABLE_ZONE) ? MOVABLE : KERNEL;
    }
}
