package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * The irreversible part of a remove: {@code echo 1 > /sys/bus/acpi/devices/<name>/eject}, which makes
 * the kernel run {@code _EJ0}. It is a commit step of band 100, and remove runs commit in descending
 * priority, so it comes after the CPU and memory handlers have offlined every device the object owns —
 * the graceful removal of drivers/acpi/scan.c: offline everything first, eject only then.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.acpi.eject")
@HotplugHandlerRegistration(phase = "commit", priority = HandlerProperties.FIRMWARE_BUS,
        operations = {"remove"}, devices = {DeviceRef.ACPI, DeviceRef.CONTAINER})
public class AcpiEjectHandler implements HotplugHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AcpiEjectHandler.class);

    @Reference
    SystemFiles files;

    public AcpiEjectHandler() {
    }

    public AcpiEjectHandler(SystemFiles files) {
        this.files = files;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> targets = FirmwareTargets.of(context);
        if (targets.isEmpty()) {
            return;
        }
        AcpiNamespace ns = FirmwareTargets.read(files, targets.get(0));
        List<AcpiObject> objects = new ArrayList<>();
        List<DeviceRef> refs = new ArrayList<>();
        for (DeviceRef target : targets) {
            AcpiObject o = ns.find(target).orElseThrow(() -> HotplugException.failure(target, Errno.ENODEV,
                    target.id() + " disappeared from /sys/bus/acpi/devices before it could be ejected", null));
            objects.add(o);
            refs.add(target);
        }
        HotplugException first = null;
        int done = 0;
        for (int i = 0; i < objects.size(); i++) {
            AcpiObject o = objects.get(i);
            // Ejecting an object takes everything below it; ejecting a child again would fail.
            if (objects.stream().anyMatch(other -> other != o && ns.isBelow(o, other))) {
                continue;
            }
            try {
                LOG.info("request {}: ejecting {} ({})", context.request().id(), o.name(), FirmwareTargets.describe(o));
                files.write(KernelPaths.acpiDevice(o.name(), "eject"), "1");
                done++;
                context.progress(refs.get(i), done, objects.size(), "ejected " + o.name());
            } catch (SystemFileException e) {
                HotplugException failure = HotplugException.failure(refs.get(i), e.errno(), "eject of " + o.name()
                        + " (" + FirmwareTargets.describe(o) + ") failed: " + e.getMessage()
                        + (e.errno() == Errno.EBUSY ? "; a device it owns is still online" : ""), e);
                LOG.warn("request {}: {}", context.request().id(), failure.getMessage());
                if (first == null) {
                    first = failure;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
