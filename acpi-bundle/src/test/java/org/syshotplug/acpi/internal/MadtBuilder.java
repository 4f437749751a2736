package org.syshotplug.acpi.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds MADT images for tests: header, entries, length and checksum filled in like firmware does. */
final class MadtBuilder {

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int revision = 5;
    private boolean fixChecksum = true;

    MadtBuilder revision(int r) {
        revision = r;
        return this;
    }

    MadtBuilder wrongChecksum() {
        fixChecksum = false;
        return this;
    }

    MadtBuilder localApic(int uid, int apicId, int flags) {
        body.write(0);
        body.write(8);
        body.write(uid);
        body.write(apicId);
        u32(flags);
        return this;
    }

    MadtBuilder x2Apic(long x2ApicId, int flags, long uid) {
        body.write(9);
        body.write(16);
        body.write(0);
        body.write(0);
        u32(x2ApicId);
        u32(flags);
        u32(uid);
        return this;
    }

    MadtBuilder ioApic(int id, long address, long gsiBase) {
        body.write(1);
        body.write(12);
        body.write(id);
        body.write(0);
        u32(address);
        u32(gsiBase);
        return this;
    }

    MadtBuilder override(int source, long gsi, int flags) {
        body.write(2);
        body.write(10);
        body.write(0);
        body.write(source);
        u32(gsi);
        body.write(flags & 0xFF);
        body.write(flags >> 8);
        return this;
    }

    MadtBuilder localApicNmi(int uid, int flags, int lint) {
        body.write(4);
        body.write(6);
        body.write(uid);
        body.write(flags & 0xFF);
        body.write(flags >> 8);
        body.write(lint);
        return this;
    }

    MadtBuilder x2ApicNmi(int flags, long uid, int lint) {
        body.write(10);
        body.write(12);
        body.write(flags & 0xFF);
        body.write(flags >> 8);
        u32(uid);
        body.write(lint);
        body.write(0);
        body.write(0);
        body.write(0);
        return this;
    }

    MadtBuilder raw(int... bytes) {
        for (int b : bytes) {
            body.write(b);
        }
        return this;
    }

    byte[] build() {
        byte[] entries = body.toByteArray();
        byte[] t = new byte[44 + entries.length];
        System.arraycopy("APIC".getBytes(StandardCharsets.US_ASCII), 0, t, 0, 4);
        put32(t, 4, t.length);
        t[8] = (byte) revision;
        System.arraycopy("TESTOE".getBytes(StandardCharsets.US_ASCII), 0, t, 10, 6);
        System.arraycopy("TESTMADT".getBytes(StandardCharsets.US_ASCII), 0, t, 16, 8);
        put32(t, 24, 1);
        System.arraycopy("JUNT".getBytes(StandardCharsets.US_ASCII), 0, t, 28, 4);
        put32(t, 32, 1);
        put32(t, 36, 0xFEE0_0000L);
        put32(t, 40, 1);
        System.arraycopy(entries, 0, t, 44, entries.length);
        int sum = 0;
        for (byte b : t) {
            sum += b & 0xFF;
        }
        t[9] = (byte) (fixChecksum ? -sum : -sum + 1);
        return t;
    }

    static void put32(byte[] t, int o, long v) {
        t[o] = (byte) v;
        t[o + 1] = (byte) (v >> 8);
        t[o + 2] = (byte) (v >> 16);
        t[o + 3] = (byte) (v >> 24);
    }

    private void u32(long v) {
        body.write((int) (v & 0xFF));
        body.write((int) (v >> 8 & 0xFF));
        body.write((int) (v >> 16 & 0xFF));
        body.write((int) (v >> 24 & 0xFF));
    }
}
