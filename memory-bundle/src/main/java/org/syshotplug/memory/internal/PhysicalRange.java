package org.syshotplug.memory.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A physical address range as lsmem prints it and chmem takes it: {@code 0xSTART-0xEND}, the end
 * being the last byte, both on block boundaries.
 */
record PhysicalRange(long start, long end) {

    private static final Pattern RANGE = Pattern.compile("0[xX]([0-9A-Fa-f]{1,16})-0[xX]([0-9A-Fa-f]{1,16})");

    static PhysicalRange parse(String token, long blockSize) {
        String text = token == null ? "" : token.strip();
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid range '" + MemorySize.printable(text)
                    + "': expected 0xSTART-0xEND in hex, the end being the last byte, as lsmem prints it"
                    + " (e.g. 0x0000000100000000-0x000000017fffffff)");
        }
        long start = Long.parseUnsignedLong(m.group(1), 16);
        long end = Long.parseUnsignedLong(m.group(2), 16);
        if (start < 0 || end < 0 || Long.compareUnsigned(end, start) < 0) {
            throw new IllegalArgumentException("invalid range '" + text + "': the end is below the start");
        }
        if (start % blockSize != 0 || (end + 1) % blockSize != 0) {
            throw new IllegalArgumentException("invalid range '" + text + "': start and end+1 must lie on memory block"
                    + " boundaries (block size " + MemorySize.human(blockSize) + ", 0x" + Long.toHexString(blockSize) + ")");
        }
        return new PhysicalRange(start, end);
    }

    boolean contains(MemoryBlock block) {
        return block.start() >= start && block.end() <= end;
    }

    @Override
    public String toString() {
        return String.format("0x%016x-0x%016x", start, end);
    }
}
