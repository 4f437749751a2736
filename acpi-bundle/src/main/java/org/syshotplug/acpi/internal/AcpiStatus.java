package org.syshotplug.acpi.internal;

/**
 * The {@code _STA} bits of an ACPI device object (ACPI 6.5, 6.3.7). An object without {@code _STA}
 * is treated by OSPM as present, enabled, shown and functioning; {@link #ASSUMED} stands for that.
 */
public record AcpiStatus(int bits, boolean evaluated) {

    public static final int PRESENT = 1;
    public static final int ENABLED = 2;
    public static final int SHOWN = 4;
    public static final int FUNCTIONING = 8;

    /** What ACPI says to assume when an object has no {@code _STA}. */
    public static final AcpiStatus ASSUMED = new AcpiStatus(PRESENT | ENABLED | SHOWN | FUNCTIONING, false);

    public static AcpiStatus of(int bits) {
        return new AcpiStatus(bits, true);
    }

    public boolean present() {
        return (bits & PRESENT) != 0;
    }

    public boolean enabled() {
        return (bits & ENABLED) != 0;
    }

    public boolean functioning() {
        return (bits & FUNCTIONING) != 0;
    }

    /** {@code 15 present,enabled,shown,functioning}, or {@code - (no _STA)}. */
    public String describe() {
        if (!evaluated) {
            return "- (no _STA)";
        }
        StringBuilder b = new StringBuilder().append(bits).append(' ');
        String[] names = {"present", "enabled", "shown", "functioning"};
        boolean first = true;
        for (int i = 0; i < names.length; i++) {
            if ((bits & (1 << i)) != 0) {
                b.append(first ? "" : ",").append(names[i]);
                first = false;
            }
        }
        if (first) {
            b.append("absent");
        }
        return b.toString();
    }
}
