package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Turns firmware targets ({@code acpi:\_SB_.CON0}, {@code container:ACPI0004:00}, {@code acpi:ACPI0007:02})
 * into the CPUs and memory blocks they own, so the CPU and memory handlers that run after it in the
 * validate phase see concrete devices. The firmware object stays in the set under its kernel name:
 * the eject handler needs to know what to eject, and a later notify can name it the same way.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.acpi.resources")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.FIRMWARE_RESOURCES,
        operations = {"add", "remove"}, devices = {DeviceRef.ACPI, DeviceRef.CONTAINER})
public class AcpiResourceHandler implements HotplugHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AcpiResourceHandler.class);

    @Reference
    SystemFiles files;

    public AcpiResourceHandler() {
    }

    /** For tests and embedding without DS. */
    public AcpiResourceHandler(SystemFiles files) {
        this.files = files;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> targets = FirmwareTargets.of(context);
        if (targets.isEmpty()) {
            return;
        }
        AcpiNamespace ns = FirmwareTargets.read(files, targets.get(0));
        Set<DeviceRef> already = new HashSet<>(context.devices());
        for (DeviceRef target : targets) {
            AcpiObject object = FirmwareTargets.find(ns, target);
            if (!object.status().present()) {
                // The bus validator refuses this first; this handler may run without it (quarantined, or a
                // chain assembled by hand), and an empty slot must never stand for devices.
                throw AcpiBusValidator.emptySlot(target, object, context.request().operation() == Operation.REMOVE);
            }
            DeviceRef canonical = DeviceRef.of(target.type(), object.name());
            List<DeviceRef> resolved = new ArrayList<>();
            resolved.add(canonical);
            for (DeviceRef owned : ns.ownedDevices(object)) {
                // Only CPUs and memory blocks have handlers here; other companions (PCI functions)
                // go with the object when it is ejected.
                boolean systemDevice = owned.type().equals(DeviceRef.CPU) || owned.type().equals(DeviceRef.MEMORY);
                if (systemDevice && already.add(owned)) {
                    resolved.add(owned);
                }
            }
            already.add(canonical);
            LOG.debug("request {}: {} ({}) resolves to {}", context.request().id(), target,
                    FirmwareTargets.describe(object), resolved);
            context.resolve(target, resolved);
        }
    }
}
