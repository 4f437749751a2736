package org.syshotplug.acpi.internal;

import java.util.Optional;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * The kernel's per-class ACPI hot-plug switches, {@code /sys/firmware/acpi/hotplug/<profile>/enabled}
 * (Documentation/ABI/testing/sysfs-firmware-acpi). A profile folder exists only for the classes whose
 * scan handler the kernel has; with {@code enabled} at 0 the kernel ignores hot-plug notifications
 * for that class and refuses {@code eject} on its objects.
 */
public final class HotplugProfiles {

    private final SystemFiles files;

    public HotplugProfiles(SystemFiles files) {
        this.files = files;
    }

    /** {@code /sys/firmware/acpi/hotplug/<profile>/enabled}. */
    public static String enabledPath(String profile) {
        return KernelPaths.child(KernelPaths.child(KernelPaths.ACPI_HOTPLUG, profile), "enabled");
    }

    /**
     * Whether hot-plug of the class is switched on: empty when the kernel has no such profile.
     *
     * @throws SystemFileException when the switch exists but cannot be read
     */
    public Optional<Boolean> enabled(String profile) throws SystemFileException {
        String path = enabledPath(profile);
        if (!files.exists(path)) {
            return Optional.empty();
        }
        return Optional.of(!files.readValue(path).equals("0"));
    }
}
