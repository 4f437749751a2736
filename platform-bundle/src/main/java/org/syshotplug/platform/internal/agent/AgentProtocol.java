package org.syshotplug.platform.internal.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The agent's line encoding (tools/x86-acpi-guest/agent.c): bytes 0x21..0x7e other than '%' stand
 * for themselves, every other byte is {@code %XX}. A line therefore ends at the first raw newline
 * and splits at single spaces whatever the values hold (spaces, newlines, binary ACPI tables).
 */
final class AgentProtocol {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private AgentProtocol() {
    }

    static void escape(byte[] value, ByteArrayOutputStream out) {
        for (byte b : value) {
            int c = b & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                out.write(c);
            } else {
                out.write('%');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 15]);
            }
        }
    }

    static String escape(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length() + 16);
        escape(value.getBytes(StandardCharsets.UTF_8), out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    static byte[] unescape(String token) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (i + 2 >= token.length()) {
                throw new IllegalArgumentException("truncated %-escape in the agent's answer");
            }
            int hi = Character.digit(token.charAt(i + 1), 16);
            int lo = Character.digit(token.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("malformed %-escape in the agent's answer");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        return out.toByteArray();
    }

    static String unescapeText(String token) {
        return new String(unescape(token), StandardCharsets.UTF_8);
    }
}
