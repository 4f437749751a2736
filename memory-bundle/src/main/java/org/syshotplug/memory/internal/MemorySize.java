package org.syshotplug.memory.internal;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as {@code chmem} takes them ({@code 2G}) and as {@code lsmem} prints them ({@code 2.9G}). */
final class MemorySize {

    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})([KMGT]?)", Pattern.CASE_INSENSITIVE);
    private static final String ALLOWED = "a positive whole number with an optional binary suffix K, M, G or T"
            + " (1K = 1024 bytes)";

    private MemorySize() {
    }

    /**
     * Parses a size that must cover whole blocks.
     *
     * @throws IllegalArgumentException naming the bad token and what is allowed
     */
    static long parse(String token, long blockSize) {
        String text = token == null ? "" : token.strip();
        Matcher m = SIZE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size '" + printable(text) + "': expected " + ALLOWED
                    + ", a multiple of the memory block size " + human(blockSize) + ", e.g. " + human(blockSize * 2));
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier(m.group(2)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid size '" + text + "': too large");
        }
        if (bytes == 0) {
            throw new IllegalArgumentException("invalid size '" + text + "': must be positive, at least one memory block ("
                    + human(blockSize) + ")");
        }
        if (bytes % blockSize != 0) {
            throw new IllegalArgumentException("invalid size '" + text + "': not a multiple of the memory block size "
                    + human(blockSize) + " (" + blockSize + " bytes)");
        }
        return bytes;
    }

    private static long multiplier(String suffix) {
        return switch (suffix.toUpperCase(Locale.ROOT)) {
            case "K" -> 1L << 10;
            case "M" -> 1L << 20;
            case "G" -> 1L << 30;
            case "T" -> 1L << 40;
            default -> 1L;
        };
    }

    /**
     * Formats like util-linux's {@code size_to_human_string} with one-letter suffixes, as lsmem
     * prints sizes: the largest unit below the value, one decimal rounded, none when it rounds to 0.
     */
    static String human(long bytes) {
        String units = "BKMGTPE";
        int exp = 0;
        while (exp < 60 && Long.compareUnsigned(bytes, 1L << (exp + 10)) >= 0) {
            exp += 10;
        }
        long whole = exp == 0 ? bytes : bytes >>> exp;
        long fraction = exp == 0 ? 0 : bytes & ((1L << exp) - 1);
        long tenth = 0;
        if (fraction != 0) {
            // three decimals first, then rounded to one, as util-linux does
            long thousandths = fraction >= Long.MAX_VALUE / 1000
                    ? ((fraction >>> 10) * 1000) >>> (exp - 10)
                    : (fraction * 1000) >>> exp;
            tenth = (thousandths + 50) / 100;
            if (tenth == 10) {
                whole++;
                tenth = 0;
            }
        }
        char unit = units.charAt(exp / 10);
        return tenth == 0 ? whole + String.valueOf(unit) : whole + "." + tenth + unit;
    }

    static String printable(String s) {
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return shown.replaceAll("\\p{Cc}", "?");
    }
}
