package org.syshotplug.platform.internal.sim;

import java.util.BitSet;
import org.syshotplug.api.Errno;

/** The kernel's parsers and printers for sysfs values (kstrtobool, kstrtoint, cpulist). */
public final class KernelText {

    private KernelText() {
    }

    /**
     * lib/kstrtox.c kstrtobool: only the first character counts ({@code 1yYtT} true, {@code 0nNfF}
     * false, {@code on}/{@code off}); anything else is EINVAL.
     */
    public static boolean kstrtobool(String s) throws KernelErrno {
        if (s.isEmpty()) {
            throw new KernelErrno(Errno.EINVAL);
        }
        switch (s.charAt(0)) {
            case 'y', 'Y', 't', 'T', '1':
                return true;
            case 'n', 'N', 'f', 'F', '0':
                return false;
            case 'o', 'O':
                if (s.length() > 1) {
                    char c = s.charAt(1);
                    if (c == 'n' || c == 'N') {
                        return true;
                    }
                    if (c == 'f' || c == 'F') {
                        return false;
                    }
                }
                throw new KernelErrno(Errno.EINVAL);
            default:
                throw new KernelErrno(Errno.EINVAL);
        }
    }

    /** kstrtoint base 10: optional sign, digits, at most one trailing newline; ERANGE on overflow. */
    public static int kstrtoint(String s) throws KernelErrno {
        long v = kstrtoll(s, 10);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new KernelErrno(Errno.ERANGE);
        }
        return (int) v;
    }

    /** kstrtoull with base 0 ({@code 0x} hex, leading {@code 0} octal, else decimal), newline allowed. */
    public static long kstrtoullAuto(String s) throws KernelErrno {
        String t = stripOneNewline(s);
        if (t.startsWith("0x") || t.startsWith("0X")) {
            return unsigned(t.substring(2), 16);
        }
        if (t.length() > 1 && t.startsWith("0")) {
            return unsigned(t.substring(1), 8);
        }
        return unsigned(t, 10);
    }

    private static long unsigned(String digits, int radix) throws KernelErrno {
        if (digits.isEmpty() || digits.startsWith("+") || digits.startsWith("-")) {
            throw new KernelErrno(Errno.EINVAL);
        }
        try {
            return Long.parseUnsignedLong(digits, radix);
        } catch (NumberFormatException e) {
            throw new KernelErrno(digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)
                    ? Errno.ERANGE : Errno.EINVAL);
        }
    }

    private static long kstrtoll(String s, int radix) throws KernelErrno {
        String t = stripOneNewline(s);
        boolean negative = t.startsWith("-");
        String digits = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> Character.digit(c, radix) >= 0)) {
            throw new KernelErrno(Errno.EINVAL);
        }
        try {
            long v = Long.parseLong(digits, radix);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new KernelErrno(Errno.ERANGE);
        }
    }

    /** sysfs_streq: equal, ignoring one trailing newline on either side. */
    public static boolean sysfsStreq(String written, String word) {
        return stripOneNewline(written).equals(stripOneNewline(word));
    }

    static String stripOneNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    /** The kernel's {@code %*pbl} cpulist form: {@code 0-3,6}; empty for an empty set. */
    public static String cpulist(BitSet set) {
        StringBuilder b = new StringBuilder();
        int i = set.nextSetBit(0);
        while (i >= 0) {
            int end = set.nextClearBit(i) - 1;
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(i);
            if (end > i) {
                b.append('-').append(end);
            }
            i = set.nextSetBit(end + 1);
        }
        return b.toString();
    }

    /** The kernel's {@code %*pb} mask form: hex words of 32 bits, comma-separated, most significant first. */
    public static String cpumask(BitSet set, int bits) {
        int words = Math.max(1, (bits + 31) / 32);
        StringBuilder b = new StringBuilder();
        for (int w = words - 1; w >= 0; w--) {
            long word = 0;
            for (int bit = 0; bit < 32; bit++) {
                if (set.get(w * 32 + bit)) {
                    word |= 1L << bit;
                }
            }
            int width = w == words - 1 ? Math.max(1, (Math.min(bits - w * 32, 32) + 3) / 4) : 8;
            String hex = Long.toHexString(word);
            b.append("0".repeat(Math.max(0, width - hex.length()))).append(hex);
            if (w > 0) {
                b.append(',');
            }
        }
        return b.toString();
    }
}
