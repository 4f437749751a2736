package org.syshotplug.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the fuzzer's raw bytes into the shapes the targets take. Text targets decode UTF-8 so a
 * seed file is the text itself, readable in the corpus folder; invalid sequences become U+FFFD,
 * which is fine: the parsers must refuse any character they do not know.
 */
public final class FuzzInput {

    private FuzzInput() {
    }

    public static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The first byte chooses one of {@code choices} (a seed starting with 'a', 'b', ... picks 1, 2, ...). */
    public static int choice(byte[] data, int choices) {
        return data.length == 0 ? 0 : Math.floorMod(data[0], choices);
    }

    /** Everything after the choice byte. */
    public static byte[] rest(byte[] data) {
        return data.length == 0 ? data : Arrays.copyOfRange(data, 1, data.length);
    }
}
