package org.syshotplug.rtas.internal.dlpar;

/**
 * The kernel's {@code kstrtou32(s, 0, &v)}: base detection as in {@code _parse_integer_fixup_radix}
 * ({@code 0x}/{@code 0X} followed by a hex digit is hex, another leading {@code 0} is octal, else
 * decimal), an optional leading {@code +}, one trailing newline, nothing else.
 */
public final class KernelNumber {
    /** The largest u32. */
    public static final long U32_MAX = 0xFFFF_FFFFL;

    private KernelNumber() {
    }

    /** Why a token is not a u32, in words for an error message. */
    public static final class NotANumber extends Exception {
        private static final long serialVersionUID = 1L;

        NotANumber(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Parses a token as {@code kstrtou32(token, 0, ...)} does.
     *
     * @return the value, 0 to {@link #U32_MAX}
     * @throws NotANumber with the reason the kernel refuses it (the kernel itself answers EINVAL or ERANGE)
     */
    public static long parseU32(String token) throws NotANumber {
        String s = token;
        if (s.startsWith("+")) {
            s = s.substring(1);
        }
        if (s.startsWith("-")) {
            throw new NotANumber("a sign '-' is not allowed: the value is an unsigned 32-bit number");
        }
        int radix = 10;
        int pos = 0;
        if (s.startsWith("0")) {
            if (s.length() > 2 && (s.charAt(1) == 'x' || s.charAt(1) == 'X') && Character.digit(s.charAt(2), 16) >= 0
                    && s.charAt(2) < 128) {
                radix = 16;
                pos = 2;
            } else {
                radix = 8;
            }
        }
        long value = 0;
        int digits = 0;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            int d = c < 128 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                break;
            }
            value = value * radix + d;
            if (value > U32_MAX) {
                throw new NotANumber("the value is larger than 4294967295 (0xffffffff)");
            }
            digits++;
            pos++;
        }
        if (digits == 0) {
            throw new NotANumber(token.isEmpty() || token.equals("\n") ? "it is empty"
                    : "it does not start with a digit (decimal, 0x... hex or 0... octal)");
        }
        String rest = s.substring(pos);
        if (rest.equals("\n") || rest.isEmpty()) {
            return value;
        }
        String base = radix == 16 ? "hexadecimal" : radix == 8 ? "octal (it starts with 0)" : "decimal";
        throw new NotANumber("'" + DlparSyntaxException.printable(rest) + "' follows the " + base + " number");
    }

    /** The form the shell, the journal and drmgr print an index in: {@code 0x} and lower-case hex. */
    public static String hex(long u32) {
        return "0x" + Long.toHexString(u32);
    }
}
