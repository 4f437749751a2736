package org.syshotplug.example.cpuguard;

import org.osgi.service.component.annotations.Component;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * An application's say in hot-plug: CPU 3 carries a pinned workload, so it must not be taken away.
 * Validate runs before anything changes, so the veto leaves the machine untouched.
 */
@Component(name = "example.cpu-three-guard")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.APPLICATION,
        operations = {"remove", "offline"}, devices = DeviceRef.CPU)
public class CpuThreeGuard implements HotplugHandler {

    static final DeviceRef GUARDED = DeviceRef.cpu(3);

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        if (context.devices(DeviceRef.CPU).contains(GUARDED)) {
            throw HotplugException.veto(GUARDED, null,
                    "CPU 3 runs the pinned workload of the example application; move it first or uninstall "
                            + "org.syshotplug.example.cpuguard");
        }
    }
}
