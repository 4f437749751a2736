package org.syshotplug.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What "a clear error" means for input a person or firmware gave us: an exception of the type the
 * parser documents, with a message that is present, not blank, of bounded length, and free of raw
 * control characters (a message carrying a raw newline or escape sequence from the input can forge
 * log lines or garble a terminal).
 */
public final class ClearErrors {

    /** Long enough for any message we write; hostile input must not be echoed whole. */
    public static final int MAX_MESSAGE = 2000;

    private ClearErrors() {
    }

    public static void requireClear(Throwable e) {
        String m = e.getMessage();
        assertNotNull(m, () -> e.getClass().getName() + " without a message");
        assertFalse(m.isBlank(), () -> e.getClass().getName() + " with a blank message");
        if (m.length() > MAX_MESSAGE) {
            throw new AssertionError(e.getClass().getSimpleName() + " message is " + m.length()
                    + " characters long: the input is echoed without a bound: " + m.substring(0, 200) + "...", e);
        }
        for (int i = 0; i < m.length(); i++) {
            if (Character.isISOControl(m.charAt(i))) {
                throw new AssertionError(e.getClass().getSimpleName() + " message carries the raw control character U+"
                        + String.format("%04X", (int) m.charAt(i)) + " at " + i + ": "
                        + m.replaceAll("\\p{Cntrl}", "?"), e);
            }
        }
    }
}
