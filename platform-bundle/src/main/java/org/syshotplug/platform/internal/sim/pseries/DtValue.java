package org.syshotplug.platform.internal.sim.pseries;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes device-tree property values: big-endian cells and NUL-terminated strings. */
final class DtValue {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static DtValue of() {
        return new DtValue();
    }

    DtValue cell(long v) {
        out.write((int) (v >>> 24));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 8));
        out.write((int) v);
        return this;
    }

    DtValue cells64(long v) {
        return cell(v >>> 32).cell(v & 0xFFFF_FFFFL);
    }

    DtValue string(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A count cell followed by one cell per value ({@code ibm,drc-indexes}, {@code ibm,drc-power-domains}). */
    static byte[] countedCells(List<Long> values) {
        DtValue v = of().cell(values.size());
        values.forEach(v::cell);
        return v.bytes();
    }

    /** A count cell followed by the strings ({@code ibm,drc-names}, {@code ibm,drc-types}). */
    static byte[] countedStrings(List<String> values) {
        DtValue v = of().cell(values.size());
        values.forEach(v::string);
        return v.bytes();
    }
}
