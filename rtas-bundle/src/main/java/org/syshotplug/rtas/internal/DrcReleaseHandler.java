package org.syshotplug.rtas.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Remove, last word: once the CPU and memory handlers have offlined the devices (execute), the
 * DRCs are isolated and released and their nodes detached. That hands the resource back to the
 * hypervisor, which cannot be undone from here, so it is a commit step. Recovery re-runs it after a
 * crash inside commit, so a DRC that is released already counts as done and is not asked again
 * (the kernel would refuse a second remove).
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.rtas.drc.release")
@HotplugHandlerRegistration(phase = "commit", priority = HandlerProperties.FIRMWARE_BUS, operations = "remove",
        devices = DeviceRef.DRC)
public class DrcReleaseHandler implements HotplugHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DrcReleaseHandler.class);

    private final DrcConnector connector;

    @Activate
    public DrcReleaseHandler(@Reference(name = "files") SystemFiles files) {
        this.connector = new DrcConnector(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> drcs = context.devices(DeviceRef.DRC);
        int done = 0;
        for (DeviceRef drc : drcs) {
            try {
                DlparCommand remove = connector.command(drc, DlparAction.REMOVE);
                if (connector.released(remove)) {
                    LOG.info("DRC {} released already (before a restart); nothing to do", drc.id());
                    context.progress(drc, ++done, drcs.size(), "DRC " + drc.id() + " released already");
                    continue;
                }
                connector.run(drc, remove);
            } catch (HotplugException e) {
                throw HotplugException.failure(drc, e.errno(), e.getMessage() + "; released before it: "
                        + drcs.subList(0, done) + ", left: " + drcs.subList(done, drcs.size()), e);
            }
            LOG.info("DRC {} isolated and released", drc.id());
            context.progress(drc, ++done, drcs.size(), "DRC " + drc.id() + " released");
        }
    }
}
