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
 * The firmware bus checks before anything changes: the object is present by its {@code _STA}, the
 * kernel's hot-plug profile of every class involved is enabled, and for a remove the object has
 * {@code _EJ0}. Runs first in validate (band 100), before the resource handler resolves targets, so
 * it looks the targets up itself.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.acpi.bus")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.FIRMWARE_BUS,
        operations = {"add", "remove"}, devices = {DeviceRef.ACPI, DeviceRef.CONTAINER})
public class AcpiBusValidator implements HotplugHandler {

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
                throw HotplugException.veto(target, Errno.ENODEV, object.name() + " (" + FirmwareTargets.describe(object)
                        + ") is not present: _STA is " + object.status().describe());
            }
            checkProfiles(target, ns, object, profiles);
            if (remove && !object.ejectable()) {
                Optional<AcpiObject> up = ns.ejectableAncestor(object);
                throw HotplugException.veto(target, Errno.EOPNOTSUPP, object.name() + " ("
                        + FirmwareTargets.describe(object) + ") has no _EJ0, the firmware cannot eject it"
                        + up.map(a -> "; remove the ejectable object above it instead: acpi:" + a.name()).orElse(""));
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
