package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One kernel uevent as {@code udevadm monitor --kernel --property} prints it: a summary line, then
 * {@code KEY=value} lines, then a blank line.
 */
public record Uevent(Map<String, String> properties) {

    private static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern ACPI_NAME = Pattern.compile("[A-Za-z0-9_]{1,16}:[0-9A-Fa-f]{2,8}");

    public Uevent {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    public String get(String key) {
        return properties.get(key);
    }

    /**
     * The ACPI notification this uevent stands for, as {@code [device name, notify value]}, if any.
     *
     * <p>When firmware asks to eject a container (ACPI0004, PNP0A05, PNP0A06) whose devices are still
     * online, the kernel does not offline them itself: the container handler sets {@code demand_offline},
     * and drivers/acpi/scan.c {@code acpi_scan_is_offline(adev, true)} answers the firmware "busy" and
     * sends {@code KOBJ_CHANGE} with {@code EVENT=offline} on the container device
     * ({@code /devices/system/container/<ACPI name>}) for user space to offline and eject. That is an
     * eject request for us. After a hot-add, drivers/acpi/container.c {@code container_device_online()}
     * sends {@code KOBJ_ONLINE} on the container: a device check for us.
     */
    public Optional<Notification> notification() {
        if (!"container".equals(get("SUBSYSTEM"))) {
            return Optional.empty();
        }
        String devpath = get("DEVPATH");
        if (devpath == null || !devpath.startsWith("/devices/system/container/")) {
            return Optional.empty();
        }
        String name = devpath.substring(devpath.lastIndexOf('/') + 1);
        if (!ACPI_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        String action = get("ACTION");
        if ("change".equals(action) && "offline".equals(get("EVENT"))) {
            return Optional.of(new Notification(name, AcpiNotifyListener.EJECT_REQUEST));
        }
        if ("online".equals(action)) {
            return Optional.of(new Notification(name, AcpiNotifyListener.DEVICE_CHECK));
        }
        return Optional.empty();
    }

    /** An ACPI notification recovered from a uevent. */
    public record Notification(String device, int value) {
    }

    /** Collects lines into uevents; a blank line ends one. Lines that are not properties are skipped. */
    public static final class Parser {
        private final Map<String, String> current = new LinkedHashMap<>();

        /** Feeds one line; returns the uevent it completed, if it completed one. */
        public Optional<Uevent> line(String line) {
            if (line.isBlank()) {
                return flush();
            }
            int eq = line.indexOf('=');
            if (eq > 0 && KEY.matcher(line.substring(0, eq)).matches()) {
                current.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return Optional.empty();
        }

        /** Ends the uevent in progress (at end of input). */
        public Optional<Uevent> flush() {
            if (current.isEmpty()) {
                return Optional.empty();
            }
            Uevent u = new Uevent(current);
            current.clear();
            return Optional.of(u);
        }

        public static List<Uevent> parseAll(List<String> lines) {
            Parser p = new Parser();
            List<Uevent> out = new ArrayList<>();
            for (String l : lines) {
                p.line(l).ifPresent(out::add);
            }
            p.flush().ifPresent(out::add);
            return out;
        }
    }
}
