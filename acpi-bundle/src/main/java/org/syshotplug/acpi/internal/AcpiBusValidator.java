package org.syshotplug.acpi.internal;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * The firmware bus checks before anything changes: the object is present by its {@code _STA} (a slot
 * firmware describes but reports empty, status 0, is refused with ENODEV), the
 * kernel's hot-plug profile of every class involved is enabled, and for a remove the object has
 * {@code _EJ0}. Runs first in validate (band 100), before the resource handler resolves targets, so
 * it looks the targets up itself.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.acpi.bus")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.FIRMWARE_BUS,
        operations = {"add", "remove"}, devices = {DeviceRef.ACPI, DeviceRef.CONTAINER})
public class AcpiBusValidator implements HotplugHandler {

    private static final String CONTAINER_DEVICES = "/sys/devices/system/container/";

    @Reference
    SystemFiles files;

    public AcpiBusValidator() {
    }

    public AcpiBusValidator(SystemFiles files) {
        this.files = files;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        var targets = FirmwareTargets.of(context);
        if (targets.isEmpty()) {
            return;
        }
        AcpiNamespace ns = FirmwareTargets.read(files, targets.get(0));
        HotplugProfiles profiles = new HotplugProfiles(files);
        boolean remove = context.request().operation() == Operation.REMOVE;
        for (DeviceRef target : targets) {
            AcpiObject object = FirmwareTargets.find(ns, target);
            if (!object.status().present()) {
                throw emptySlot(target, object, remove);
            }
            checkProfiles(target, ns, object, profiles);
            if (remove && !object.ejectable()) {
                Optional<AcpiObject> up = ns.ejectableAncestor(object);
                throw HotplugException.veto(target, Errno.EOPNOTSUPP, object.name() + " ("
                        + FirmwareTargets.describe(object) + ") has no _EJ0, the firmware cannot eject it"
                        + up.map(a -> "; remove the ejectable object above it instead: acpi:" + a.name()).orElse(""));
            }
        }
        // A veto that force may skip comes last: once skipped, nothing after it in this call would run.
        if (remove) {
            for (DeviceRef target : targets) {
                checkNothingUnmanaged(target, ns, FirmwareTargets.find(ns, target));
            }
        }
    }

    /**
     * Firmware keeps every slot in the namespace from boot (QEMU's {@code LNXCPU:01..03} and
     * {@code PNP0C80:00..03}); one whose {@code _STA} reads not-present is an empty slot, and stays so
     * after a successful eject. The kernel answers an eject of it with ENODEV, so both operations are
     * refused here with what to do instead.
     */
    static HotplugException emptySlot(DeviceRef target, AcpiObject object, boolean remove) {
        String what = object.name() + " (" + FirmwareTargets.describe(object) + ")";
        if (remove) {
            return HotplugException.veto(target, Errno.ENODEV, what + ": slot is empty (status "
                    + object.status().bits() + "), nothing to remove; the firmware reports no device in it"
                    + " (already ejected, or never inserted)");
        }
        String insert = switch (object.kind()) {
            case MEMORY -> " (on QEMU: object_add memory-backend-ram,id=mem1,size=256M, then"
                    + " device_add pc-dimm,id=dimm1,memdev=mem1)";
            case PROCESSOR -> " (on QEMU: device_add <cpu model>,socket-id=0,core-id=N,thread-id=0)";
            default -> "";
        };
        return HotplugException.veto(target, Errno.ENODEV, what + ": the firmware reports the slot empty (status "
                + object.status().bits() + "): insert the device first" + insert + "; the kernel then adds its"
                + " devices, and the firmware's device check brings them up");
    }

    /**
     * The kernel's hot-remove offlines the physical devices that support offline and simply unbinds the
     * rest (a PCI function's driver loses its device). SysHotplug offlines CPUs and memory gracefully; for
     * anything else it cannot tell whether the device is idle, so ejecting it is a policy veto that
     * {@code force} may override. The container's own device under /sys/devices/system/container is
     * bookkeeping, not hardware.
     */
    private static void checkNothingUnmanaged(DeviceRef target, AcpiNamespace ns, AcpiObject object)
            throws HotplugException {
        for (AcpiObject o : ns.subtree(object)) {
            for (String node : o.physicalNodes()) {
                DeviceRef dev = AcpiNamespaceReader.osDevice(node);
                boolean managed = dev != null && (dev.type().equals(DeviceRef.CPU) || dev.type().equals(DeviceRef.MEMORY));
                if (!managed && !node.startsWith(CONTAINER_DEVICES)) {
                    throw HotplugException.overridableVeto(target, o.name() + " (" + FirmwareTargets.describe(o)
                            + ") is the firmware node of " + (dev != null ? dev : node) + ", which no hot-plug handler"
                            + " can offline first: ejecting it takes the device away from its driver while in use;"
                            + " stop using it (or use its own hot-plug interface), then retry with force");
                }
            }
        }
    }

    private void checkProfiles(DeviceRef target, AcpiNamespace ns, AcpiObject object, HotplugProfiles profiles)
            throws HotplugException {
        Set<String> involved = new TreeSet<>();
        for (AcpiObject o : ns.subtree(object)) {
            if (o.kind().profile() != null) {
                involved.add(o.kind().profile());
            }
        }
        for (String profile : involved) {
            Optional<Boolean> enabled;
            try {
                enabled = profiles.enabled(profile);
            } catch (SystemFileException e) {
                throw HotplugException.failure(target, e.errno(), "cannot read the " + profile
                        + " hot-plug switch: " + e.getMessage(), e);
            }
            if (enabled.isPresent() && !enabled.get()) {
                throw HotplugException.veto(target, Errno.EPERM, "ACPI hot-plug of " + profile
                        + " devices is switched off in the kernel; enable it with: echo 1 > "
                        + HotplugProfiles.enabledPath(profile));
            }
        }
    }
}
