package org.syshotplug.itests.handlers;

import org.syshotplug.api.DeviceRef;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;

/** A third-party application's policy: CPU 3 must stay. */
public class CpuThreeVeto implements HotplugHandler {

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        if (context.devices(DeviceRef.CPU).contains(DeviceRef.cpu(3))) {
            throw HotplugException.veto(DeviceRef.cpu(3), null, "CPU 3 runs the application's pinned workload");
        }
    }
}
