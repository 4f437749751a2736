package org.syshotplug.rtas.internal.devicetree;

/**
 * One dynamic-reconfiguration connector as the device tree describes it.
 *
 * @param index       the DRC index (opaque to PAPR; QEMU encodes the type in the top nibble)
 * @param name        {@code CPU 3}, {@code LMB 16}, {@code PHB 8}, {@code C109}
 * @param type        {@code CPU}, {@code MEM}, {@code PMEM}, {@code PHB}, {@code SLOT} or a numeric PCI slot type
 * @param powerDomain -1 for the live-insertion domain
 * @param parent      the node whose DRC properties list it ({@code /}, {@code /cpus}, a PHB)
 */
public record Drc(long index, String name, String type, int powerDomain, String parent) {
    public static final String TYPE_CPU = "CPU";
    public static final String TYPE_MEMORY = "MEM";

    public boolean isCpu() {
        return TYPE_CPU.equals(type);
    }

    public boolean isMemory() {
        return TYPE_MEMORY.equals(type);
    }

    public String indexHex() {
        return "0x" + Long.toHexString(index);
    }
}
