package org.syshotplug.platform;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's files, addressed by their absolute kernel paths ({@code /sys/devices/system/cpu/cpu1/online},
 * {@code /proc/device-tree/ibm,lmb-size}, {@code /sys/kernel/dlpar}) whatever the implementation: the real
 * kernel, a captured fixture tree, or the simulated machine. Every path is checked by
 * {@link KernelPaths#requireSafe(String)} before any access.
 */
@ProviderType
public interface SystemFiles {

    /** The service property naming the implementation: {@code linux}, {@code simulated} or {@code agent} (a guest kernel through its agent). */
    String MODE = "platform.mode";

    /** The whole content of an attribute file as text, exactly as the kernel returns it (trailing newline kept). */
    String read(String path) throws SystemFileException;

    /** The content with surrounding white space removed: the value of a one-value sysfs attribute. */
    default String readValue(String path) throws SystemFileException {
        return read(path).strip();
    }

    /** The raw bytes of a binary file (an ACPI table, a device-tree property). */
    byte[] readBytes(String path) throws SystemFileException;

    /** Writes the whole value in one {@code write(2)}, as sysfs requires; the kernel's errno is in the exception. */
    void write(String path, String value) throws SystemFileException;

    /** The names in a directory, sorted. */
    List<String> list(String directory) throws SystemFileException;

    boolean exists(String path);

    boolean isDirectory(String path);

    /**
     * The absolute kernel path a symbolic link points to, resolved against the link's directory
     * ({@code /sys/bus/acpi/devices/ACPI0007:01/physical_node} gives {@code /sys/devices/system/cpu/cpu1}).
     */
    String readLink(String path) throws SystemFileException;

    /** One line for banners and logs: which machine this is ({@code linux root=/}, {@code simulated x86-acpi 4 CPUs}). */
    String describe();
}
