package org.syshotplug.rtas.internal.devicetree;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.syshotplug.fuzz.ClearErrors;

/**
 * Node names come from the blob, so they reach {@link MalformedDataException} messages: a name
 * with control characters, or a megabyte long, must not be echoed raw.
 */
class FlattenedDeviceTreeFindingsTest {

    /** A v17 blob whose structure block is {@code tokens} (already 4-byte aligned), with an empty strings block. */
    private static byte[] blob(byte[] tokens) {
        int structOffset = 40 + 16;
        int total = structOffset + tokens.length;
        ByteBuffer b = ByteBuffer.allocate(total);
        b.putInt(0xd00dfeed).putInt(total).putInt(structOffset).putInt(total).putInt(40).putInt(17).putInt(16)
                .putInt(0).putInt(0).putInt(tokens.length);
        b.put(new byte[16]).put(tokens);
        return b.array();
    }

    private static void beginNode(ByteArrayOutputStream out, String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        out.writeBytes(new byte[] {0, 0, 0, 1});
        out.writeBytes(n);
        out.writeBytes(new byte[4 - n.length % 4]);
    }

    private static byte[] rootWithChild(String child, boolean twice, boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        beginNode(out, "");
        for (int i = 0; i < (twice ? 2 : 1); i++) {
            beginNode(out, child);
            out.writeBytes(new byte[] {0, 0, 0, 2});
        }
        if (!close) {
            beginNode(out, child + "-open");
        }
        out.writeBytes(new byte[] {0, 0, 0, 9});
        return blob(out.toByteArray());
    }

    @Test
    void anInvalidNodeNameWithControlCharactersIsNotEchoedRaw() {
        ClearErrors.requireClear(assertThrows(MalformedDataException.class,
                () -> FlattenedDeviceTree.parse(rootWithChild("cpu\u001b[2J/x", false, true))));
    }

    @Test
    void aDuplicateNodeWithControlCharactersIsNotEchoedRaw() {
        ClearErrors.requireClear(assertThrows(MalformedDataException.class,
                () -> FlattenedDeviceTree.parse(rootWithChild("cpus\u0007\u0085", true, true))));
    }

    @Test
    void anUnclosedMegabyteNodeNameGivesABoundedMessage() {
        ClearErrors.requireClear(assertThrows(MalformedDataException.class,
                () -> FlattenedDeviceTree.parse(rootWithChild("n".repeat(1 << 20), false, false))));
    }
}
