package org.syshotplug.acpi.internal;

import java.util.List;
import org.syshotplug.api.DeviceRef;

/**
 * One ACPI device object as {@code /sys/bus/acpi/devices/<name>} shows it.
 *
 * @param name          the kernel's device name ({@code ACPI0004:00}, {@code device:1a})
 * @param sysfsPath     where the bus link points ({@code /sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00})
 * @param parent        the name of the parent object, or null for the root
 * @param hid           {@code _HID}, or null when the object has none (PCI slots, for example)
 * @param path          the namespace path ({@code \_SB_.CON0}), or null
 * @param adr           {@code _ADR}, or null
 * @param sun           {@code _SUN} (slot number), or null
 * @param uid           {@code _UID}, or null
 * @param ejectable     the object has {@code _EJ0}: the kernel offers an {@code eject} file
 * @param physicalNodes the Linux devices the object is the ACPI companion of, from {@code physical_node*}
 * @param owned         those physical nodes that are hot-plug devices ({@code cpu:N}, {@code memory:N}, {@code pci:...})
 */
public record AcpiObject(String name, String sysfsPath, String parent, String hid, String path, AcpiStatus status,
        Long adr, Integer sun, String uid, boolean ejectable, List<String> physicalNodes, List<DeviceRef> owned) {

    public AcpiObject {
        physicalNodes = List.copyOf(physicalNodes);
        owned = List.copyOf(owned);
    }

    public AcpiKind kind() {
        return AcpiKind.of(hid);
    }
}
