package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.List;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;

/** What the ACPI handlers share: which devices of a request are firmware objects, and reading the namespace. */
final class FirmwareTargets {

    private FirmwareTargets() {
    }

    /** The request's {@code acpi} and {@code container} devices, in request order. */
    static List<DeviceRef> of(HandlerContext context) {
        List<DeviceRef> out = new ArrayList<>();
        for (DeviceRef d : context.devices()) {
            if (isFirmware(d)) {
                out.add(d);
            }
        }
        return out;
    }

    static boolean isFirmware(DeviceRef d) {
        return (d.type().equals(DeviceRef.ACPI) || d.type().equals(DeviceRef.CONTAINER)) && !d.isWildcard();
    }

    static AcpiNamespace read(SystemFiles files, DeviceRef first) throws HotplugException {
        try {
            return new AcpiNamespaceReader(files).read();
        } catch (SystemFileException e) {
            throw HotplugException.failure(first, e.errno(), "cannot read the ACPI namespace: " + e.getMessage(), e);
        }
    }

    static AcpiObject find(AcpiNamespace ns, DeviceRef target) throws HotplugException {
        AcpiObject o = ns.find(target).orElseThrow(() -> HotplugException.veto(target, Errno.ENODEV,
                "no ACPI device object " + target.id() + " in /sys/bus/acpi/devices; list them with hotplug:acpi"));
        if (target.type().equals(DeviceRef.CONTAINER) && o.kind() != AcpiKind.CONTAINER) {
            throw HotplugException.veto(target, Errno.EINVAL, o.name() + " (" + describe(o)
                    + ") is not a container (ACPI0004, PNP0A05, PNP0A06); name it as acpi:" + o.name());
        }
        return o;
    }

    static String describe(AcpiObject o) {
        return (o.hid() == null ? "no _HID" : o.hid()) + (o.path() == null ? "" : " " + o.path());
    }
}
