package org.syshotplug.api;

import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One target device of a request: a type ({@code cpu}, {@code memory}, {@code acpi}, {@code drc}, ...)
 * and an id that is validated strictly at construction, because ids end up in kernel paths.
 *
 * <p>Id rules by type: {@code cpu}, {@code memory} and {@code node} ids are non-negative decimal
 * integers; {@code acpi} and {@code container} ids are a kernel ACPI device name ({@code ACPI0004:00},
 * {@code device:1a}) or an absolute ACPI namespace path ({@code \_SB_.PC00}); {@code drc} ids are a
 * DRC index ({@code 0x10000003} or decimal) or a DRC name ({@code CPU 3}); any other type takes
 * letters, digits, space and {@code . _ : + -}. No id may contain {@code /}, {@code ..}, a NUL or
 * another control character. The id {@value #ANY} stands for "devices of this type, chosen by a
 * resource handler from the request's parameters" (by count or by size).
 */
public record DeviceRef(String type, String id) implements Comparable<DeviceRef> {

    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String NODE = "node";
    public static final String ACPI = "acpi";
    public static final String CONTAINER = "container";
    public static final String DRC = "drc";
    public static final String PCI = "pci";
    public static final String PHB = "phb";

    /** The wildcard id: a resource handler resolves it into concrete devices during validate. */
    public static final String ANY = "*";

    private static final int MAX_ID_LENGTH = 128;
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,9}");
    private static final Pattern ACPI_NAME = Pattern.compile("[A-Za-z0-9_]{1,16}:[0-9A-Fa-f]{2,8}");
    private static final Pattern ACPI_PATH = Pattern.compile("\\\\([A-Z0-9_^]{1,4}(\\.[A-Z0-9_^]{1,4})*)?");
    private static final Pattern DRC_INDEX = Pattern.compile("0[xX][0-9A-Fa-f]{1,8}|0|[1-9][0-9]{0,9}");
    private static final Pattern DRC_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:-]{0,63}");
    private static final Pattern GENERIC = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:+-]{0,127}");

    private static final Comparator<DeviceRef> ORDER = Comparator.comparing(DeviceRef::type)
            .thenComparing(DeviceRef::numericOrMax)
            .thenComparing(DeviceRef::id);

    public DeviceRef {
        if (type == null || !TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("invalid device type '" + printable(type)
                    + "': expected lower-case letters, digits and '-', starting with a letter (e.g. cpu, memory, acpi, drc)");
        }
        id = validateId(type, id);
    }

    public static DeviceRef of(String type, String id) {
        return new DeviceRef(type, id);
    }

    public static DeviceRef cpu(int id) {
        return new DeviceRef(CPU, Integer.toString(id));
    }

    public static DeviceRef memory(int block) {
        return new DeviceRef(MEMORY, Integer.toString(block));
    }

    /** "Devices of this type, to be chosen by a resource handler" (see {@link #ANY}). */
    public static DeviceRef any(String type) {
        return new DeviceRef(type, ANY);
    }

    /** Parses {@code type:id} as printed by {@link #toString()}, e.g. {@code cpu:3}, {@code acpi:ACPI0004:00}. */
    public static DeviceRef parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("invalid device '" + printable(text)
                    + "': expected <type>:<id>, e.g. cpu:3, memory:42, acpi:ACPI0004:00, drc:0x10000003");
        }
        return new DeviceRef(text.substring(0, colon), text.substring(colon + 1));
    }

    public boolean isWildcard() {
        return ANY.equals(id);
    }

    /** True if the id is a plain non-negative number (always so for cpu, memory, node). */
    public boolean isNumeric() {
        // Ten digits pass the pattern but not all fit an int: numericId() must never throw NumberFormatException.
        return NUMBER.matcher(id).matches() && Long.parseLong(id) <= Integer.MAX_VALUE;
    }

    /**
     * The id as a number, for the types whose ids are numbers. Path builders call this rather than
     * splicing the id text, so only validated digits ever reach a kernel path.
     */
    public int numericId() {
        if (!isNumeric()) {
            throw new IllegalStateException("device " + this + " has no numeric id");
        }
        return Integer.parseInt(id);
    }

    @Override
    public int compareTo(DeviceRef other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return type + ":" + id;
    }

    private long numericOrMax() {
        return isNumeric() ? Long.parseLong(id) : Long.MAX_VALUE;
    }

    private static String validateId(String type, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("empty id for device type '" + type + "'");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("device id for '" + type + "' is " + id.length()
                    + " characters long: at most " + MAX_ID_LENGTH + " are allowed");
        }
        if (id.contains("/") || id.contains("..") || id.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("invalid " + type + " id '" + printable(id)
                    + "': '/', '..' and control characters are never allowed in a device id");
        }
        if (ANY.equals(id)) {
            return id;
        }
        Objects.requireNonNull(type);
        switch (type) {
            case CPU, MEMORY, NODE -> {
                if (!NUMBER.matcher(id).matches() || Long.parseLong(id) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("invalid " + type + " id '" + printable(id)
                            + "': expected a non-negative decimal number up to 2147483647 without sign or leading zeros"
                            + " (e.g. 3), or '*'");
                }
            }
            case ACPI, CONTAINER -> {
                if (!ACPI_NAME.matcher(id).matches() && !ACPI_PATH.matcher(id).matches()) {
                    throw new IllegalArgumentException("invalid " + type + " id '" + printable(id)
                            + "': expected a kernel ACPI device name such as ACPI0004:00 or device:1a, or a namespace path such as \\_SB_.PC00");
                }
            }
            case DRC -> {
                if (!DRC_INDEX.matcher(id).matches() && !DRC_NAME.matcher(id).matches()) {
                    throw new IllegalArgumentException("invalid drc id '" + printable(id)
                            + "': expected a DRC index (0x10000003 or decimal) or a DRC name such as 'CPU 3'");
                }
            }
            default -> {
                if (!GENERIC.matcher(id).matches()) {
                    throw new IllegalArgumentException("invalid " + type + " id '" + printable(id)
                            + "': expected letters, digits, space and . _ : + -, starting with a letter or digit");
                }
            }
        }
        return id;
    }

    /** Shows control characters as escapes so an error message never carries them raw. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(80).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        if (s.codePointCount(0, s.length()) > 80) {
            b.append("...");
        }
        return b.toString();
    }
}
