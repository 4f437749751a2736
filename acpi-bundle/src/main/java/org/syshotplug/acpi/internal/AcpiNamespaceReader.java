package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * Reads {@code /sys/bus/acpi/devices} into an {@link AcpiNamespace}. The bus folder holds one link per
 * device object into {@code /sys/devices/LNXSYSTM:00/...}, where the kernel nests each object's
 * directory inside its parent's (drivers/acpi/scan.c registers each acpi_device with its parent as
 * the struct device parent), so the tree comes from the link targets. The OS devices an object owns
 * come from its {@code physical_node}, {@code physical_node1}, ... links (drivers/acpi/glue.c).
 */
public final class AcpiNamespaceReader {

    private static final Logger LOG = LoggerFactory.getLogger(AcpiNamespaceReader.class);

    private static final Pattern PHYSICAL_NODE = Pattern.compile("physical_node([1-9][0-9]{0,3})?");
    private static final Pattern CPU_NODE = Pattern.compile(Pattern.quote(KernelPaths.CPU_ROOT) + "/cpu(0|[1-9][0-9]{0,8})");
    private static final Pattern MEMORY_NODE = Pattern.compile(Pattern.quote(KernelPaths.MEMORY_ROOT)
            + "/memory(0|[1-9][0-9]{0,8})");
    private static final Pattern PCI_NODE = Pattern.compile("/sys/devices/pci[0-9a-f]{4}:[0-9a-f]{2}(/[0-9a-f:.]+)*"
            + "/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])");
    private static final Pattern CONTAINER_NODE = Pattern.compile("/sys/devices/system/container/([A-Z0-9_]{1,16}:[0-9a-f]{1,8})");
    private static final Pattern HID = Pattern.compile("[A-Z0-9_]{1,16}");
    private static final Pattern NAMESPACE_PATH = Pattern.compile("\\\\([A-Z0-9_^]{1,4}(\\.[A-Z0-9_^]{1,4})*)?");

    private final SystemFiles files;

    public AcpiNamespaceReader(SystemFiles files) {
        this.files = files;
    }

    /**
     * Reads every device object.
     *
     * @throws SystemFileException if the bus folder itself cannot be listed
     */
    public AcpiNamespace read() throws SystemFileException {
        List<String> names = files.list(KernelPaths.ACPI_DEVICES);
        Map<String, String> nameByTarget = new HashMap<>();
        Map<String, String> targetByName = new HashMap<>();
        for (String name : names) {
            String dir;
            try {
                dir = KernelPaths.acpiDevice(name);
            } catch (IllegalArgumentException e) {
                // A name we cannot validate never becomes part of a path.
                LOG.warn("skipping ACPI device entry '{}': {}", name.replaceAll("\\p{Cc}", "?"), e.getMessage());
                continue;
            }
            String target = link(dir);
            targetByName.put(name, target);
            if (target != null) {
                nameByTarget.put(target, name);
            }
        }
        List<AcpiObject> objects = new ArrayList<>();
        for (Map.Entry<String, String> e : targetByName.entrySet()) {
            try {
                objects.add(readObject(e.getKey(), e.getValue(), nameByTarget));
            } catch (SystemFileException gone) {
                // A hot-remove finishing while we read: the object is no longer part of the namespace.
                LOG.debug("ACPI device {} vanished while being read: {}", e.getKey(), gone.getMessage());
            }
        }
        return new AcpiNamespace(objects);
    }

    private AcpiObject readObject(String name, String target, Map<String, String> nameByTarget) throws SystemFileException {
        String parent = null;
        if (target != null) {
            int slash = target.lastIndexOf('/');
            parent = slash > 0 ? nameByTarget.get(target.substring(0, slash)) : null;
        }
        String hid = matching(attribute(name, "hid"), HID);
        String path = matching(attribute(name, "path"), NAMESPACE_PATH);
        AcpiStatus status = status(name);
        Long adr = number(name, "adr");
        Long sun = number(name, "sun");
        String uid = attribute(name, "uid");
        uid = uid == null ? null : printable(uid);
        boolean ejectable = files.exists(KernelPaths.acpiDevice(name, "eject"));
        List<String> nodes = new ArrayList<>();
        List<DeviceRef> owned = new ArrayList<>();
        for (String entry : files.list(KernelPaths.acpiDevice(name))) {
            if (!PHYSICAL_NODE.matcher(entry).matches()) {
                continue;
            }
            String node = link(KernelPaths.acpiDevice(name, entry));
            if (node == null) {
                continue;
            }
            nodes.add(node);
            DeviceRef dev = osDevice(node);
            if (dev != null) {
                owned.add(dev);
            }
        }
        nodes.sort(null);
        owned.sort(null);
        return new AcpiObject(name, target, parent, hid, path, status, adr,
                sun == null || sun > Integer.MAX_VALUE ? null : sun.intValue(), uid, ejectable, nodes, owned);
    }

    /**
     * {@code cpu:N} for a CPU, {@code memory:N} for a memory block, {@code container:<name>} for a container's
     * own device (drivers/acpi/container.c), {@code pci:<bdf>} for a PCI function.
     */
    static DeviceRef osDevice(String node) {
        Matcher m = CPU_NODE.matcher(node);
        if (m.matches()) {
            return DeviceRef.of(DeviceRef.CPU, m.group(1));
        }
        m = MEMORY_NODE.matcher(node);
        if (m.matches()) {
            return DeviceRef.of(DeviceRef.MEMORY, m.group(1));
        }
        m = CONTAINER_NODE.matcher(node);
        if (m.matches()) {
            return DeviceRef.of(DeviceRef.CONTAINER, m.group(1));
        }
        m = PCI_NODE.matcher(node);
        if (m.matches()) {
            return DeviceRef.of(DeviceRef.PCI, m.group(2));
        }
        return null;
    }

    private AcpiStatus status(String name) {
        String text = attribute(name, "status");
        if (text == null) {
            return AcpiStatus.ASSUMED;
        }
        try {
            return AcpiStatus.of(Integer.parseInt(text));
        } catch (NumberFormatException e) {
            LOG.warn("ACPI device {}: unreadable status '{}', assuming _STA absent", name, printable(text));
            return AcpiStatus.ASSUMED;
        }
    }

    private Long number(String name, String attribute) {
        String text = attribute(name, attribute);
        if (text == null) {
            return null;
        }
        try {
            return text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.warn("ACPI device {}: unreadable {} '{}'", name, attribute, printable(text));
            return null;
        }
    }

    /** An attribute's value, or null when the object lacks it or the kernel refuses the read. */
    private String attribute(String name, String attribute) {
        String p = KernelPaths.acpiDevice(name, attribute);
        if (!files.exists(p)) {
            return null;
        }
        try {
            return files.readValue(p);
        } catch (SystemFileException e) {
            LOG.debug("ACPI device {}: {}", name, e.getMessage());
            return null;
        }
    }

    private String link(String p) {
        try {
            return KernelPaths.requireSafe(files.readLink(p));
        } catch (SystemFileException | IllegalArgumentException e) {
            LOG.debug("cannot resolve {}: {}", p, e.getMessage());
            return null;
        }
    }

    private static String matching(String value, Pattern pattern) {
        return value != null && pattern.matcher(value).matches() ? value : null;
    }

    private static String printable(String s) {
        return s.length() > 40 ? s.substring(0, 40).replaceAll("\\p{Cc}", "?") + "..."
                : s.replaceAll("\\p{Cc}", "?");
    }
}
