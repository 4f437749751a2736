package org.syshotplug.spi;

/**
 * The service properties a {@link HotplugHandler} registers with, and the standard priority bands.
 * Priority is the handler's place in the bring-up chain; tear-down runs the mirror image.
 */
public final class HandlerProperties {

    /** {@code validate}, {@code execute} or {@code commit}. Required. */
    public static final String PHASE = "hotplug.phase";
    /** Integer: the bring-up position. Required. */
    public static final String PRIORITY = "hotplug.priority";
    /** Any of {@code add}, {@code remove}, {@code online}, {@code offline}; absent means all. */
    public static final String OPERATIONS = "hotplug.operations";
    /** Device types the handler cares about; absent means all. */
    public static final String DEVICES = "hotplug.devices";

    public static final int FIRMWARE_BUS = 100;
    public static final int FIRMWARE_RESOURCES = 200;
    public static final int MEMORY = 300;
    public static final int CPU = 400;
    public static final int APPLICATION = 1000;

    /** The service filter for handler references. */
    public static final String HANDLER_FILTER = "(&(" + PHASE + "=*)(" + PRIORITY + "=*))";

    private HandlerProperties() {
    }
}
