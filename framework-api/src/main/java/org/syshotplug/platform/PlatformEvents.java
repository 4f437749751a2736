package org.syshotplug.platform;

/** EventAdmin topics for firmware events that the platform observes. */
public final class PlatformEvents {

    /** An ACPI notification on a device object. Properties {@link #DEVICE} and {@link #NOTIFY}. */
    public static final String ACPI_NOTIFY = "org/syshotplug/platform/acpi/NOTIFY";
    /** A pseries RTAS hot-plug error log. Property {@link #ERROR_LOG} (byte[]). */
    public static final String RTAS_HOTPLUG = "org/syshotplug/platform/rtas/HOTPLUG";

    /** The kernel ACPI device name ({@code ACPI0004:00}). */
    public static final String DEVICE = "device";
    /** The notify value (Integer). */
    public static final String NOTIFY = "notify";
    /** The hot-plug section of the error log (byte[]). */
    public static final String ERROR_LOG = "errorlog";

    private PlatformEvents() {
    }
}
