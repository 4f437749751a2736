package org.syshotplug.platform;

import java.util.regex.Pattern;

/**
 * The kernel paths the handlers use, built only from validated numbers and names, so no path is
 * ever made of raw user text.
 */
public final class KernelPaths {

    public static final String CPU_ROOT = "/sys/devices/system/cpu";
    public static final String MEMORY_ROOT = "/sys/devices/system/memory";
    public static final String NODE_ROOT = "/sys/devices/system/node";
    public static final String ACPI_DEVICES = "/sys/bus/acpi/devices";
    public static final String ACPI_HOTPLUG = "/sys/firmware/acpi/hotplug";
    public static final String ACPI_TABLES = "/sys/firmware/acpi/tables";
    public static final String MADT = ACPI_TABLES + "/APIC";
    public static final String DEVICE_TREE = "/proc/device-tree";
    public static final String DLPAR = "/sys/kernel/dlpar";

    private static final int MAX_COMPONENT = 255;
    private static final int MAX_PATH = 4095;
    private static final Pattern ATTRIBUTE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.,+#@-]*");
    private static final Pattern ACPI_NAME = Pattern.compile("[A-Za-z0-9_]{1,16}:[0-9A-Fa-f]{2,8}");
    private static final Pattern ROOTS = Pattern.compile("/(sys|proc)/.*|/(sys|proc)");

    private KernelPaths() {
    }

    /** {@code /sys/devices/system/cpu/cpuN}. */
    public static String cpu(int id) {
        return CPU_ROOT + "/cpu" + requireId("cpu", id);
    }

    /** {@code /sys/devices/system/cpu/cpuN/<attribute>}, e.g. {@code online}, {@code hotplug/fail}. */
    public static String cpu(int id, String attribute) {
        return cpu(id) + "/" + requireRelative(attribute);
    }

    /** {@code /sys/devices/system/memory/memoryN}. */
    public static String memoryBlock(int id) {
        return MEMORY_ROOT + "/memory" + requireId("memory block", id);
    }

    public static String memoryBlock(int id, String attribute) {
        return memoryBlock(id) + "/" + requireRelative(attribute);
    }

    /** {@code /sys/devices/system/node/nodeN}. */
    public static String node(int id) {
        return NODE_ROOT + "/node" + requireId("node", id);
    }

    /** {@code /sys/bus/acpi/devices/<HID:NN>}: the name must have the kernel's {@code HID:NN} form. */
    public static String acpiDevice(String kernelName) {
        if (kernelName == null || !ACPI_NAME.matcher(kernelName).matches()) {
            throw new IllegalArgumentException("invalid ACPI device name '" + kernelName
                    + "': expected the kernel's HID:NN form, such as ACPI0007:01 or device:1a");
        }
        return ACPI_DEVICES + "/" + kernelName;
    }

    public static String acpiDevice(String kernelName, String attribute) {
        return acpiDevice(kernelName) + "/" + requireRelative(attribute);
    }

    /** A child of a directory: {@code name} must be one plain path component. */
    public static String child(String directory, String name) {
        requireSafe(directory);
        return directory + "/" + requireComponent(name);
    }

    /**
     * Checks an absolute kernel path before any file access: under {@code /sys} or {@code /proc}, no
     * {@code .} or {@code ..} component, no empty component, no NUL or other control character.
     *
     * @return the path unchanged
     * @throws IllegalArgumentException naming the path and what is wrong with it
     */
    public static String requireSafe(String path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty kernel path");
        }
        if (path.length() > MAX_PATH) {
            throw new IllegalArgumentException("kernel path longer than " + MAX_PATH + " characters");
        }
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("kernel path '" + printable(path)
                    + "' contains a NUL or control character");
        }
        if (!ROOTS.matcher(path).matches()) {
            throw new IllegalArgumentException("kernel path '" + path + "' must be absolute and under /sys or /proc");
        }
        for (String part : path.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("kernel path '" + path
                        + "' has an empty, '.' or '..' component");
            }
        }
        return path;
    }

    /** One plain file name: not empty, no '/', not '.' or '..', no control character. */
    public static String requireComponent(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_COMPONENT || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("invalid path component '"
                    + (name == null ? "null" : printable(name))
                    + "': expected one file name without '/', '..' or control characters");
        }
        return name;
    }

    private static String requireRelative(String attribute) {
        if (attribute == null) {
            throw new IllegalArgumentException("attribute name is null");
        }
        for (String part : attribute.split("/", -1)) {
            if (!ATTRIBUTE.matcher(part).matches()) {
                throw new IllegalArgumentException("invalid attribute path '" + printable(attribute)
                        + "': expected sysfs attribute names such as online or hotplug/fail");
            }
        }
        return attribute;
    }

    private static int requireId(String what, int id) {
        if (id < 0) {
            throw new IllegalArgumentException("invalid " + what + " id " + id + ": must not be negative");
        }
        return id;
    }

    /** Control characters (C0 and C1) shown as '?', so an error message never carries them raw. */
    private static String printable(String s) {
        return s.replaceAll("\\p{Cc}", "?");
    }
}
