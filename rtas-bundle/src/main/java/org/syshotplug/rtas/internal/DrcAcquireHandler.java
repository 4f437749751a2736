package org.syshotplug.rtas.internal;

import java.util.ArrayList;
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
 * Add, first step of the bring-up chain: acquires and configures each DRC (the kernel then attaches
 * its node and brings the CPUs or memory blocks up, which the CPU and memory handlers find done).
 * A DRC that fails releases those this step took before the exception leaves, as the kernel's
 * by-count add does; rollback releases all of them, in reverse.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.rtas.drc.acquire")
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.FIRMWARE_BUS, operations = "add",
        devices = DeviceRef.DRC)
public class DrcAcquireHandler implements HotplugHandler {
    static final String ACQUIRED = "drc.acquired";
    private static final Logger LOG = LoggerFactory.getLogger(DrcAcquireHandler.class);

    private final DrcConnector connector;

    @Activate
    public DrcAcquireHandler(@Reference(name = "files") SystemFiles files) {
        this.connector = new DrcConnector(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> drcs = context.devices(DeviceRef.DRC);
        List<DeviceRef> acquired = new ArrayList<>();
        context.attributes().put(ACQUIRED, acquired);
        int done = 0;
        for (DeviceRef drc : drcs) {
            try {
                connector.run(drc, connector.command(drc, DlparAction.ADD));
            } catch (HotplugException e) {
                releaseAll(acquired, e);
                throw e;
            }
            acquired.add(drc);
            LOG.info("DRC {} acquired and configured", drc.id());
            context.progress(drc, ++done, drcs.size(), "DRC " + drc.id() + " configured");
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void rollback(HandlerContext context) throws HotplugException {
        List<DeviceRef> acquired = (List<DeviceRef>) context.attributes().getOrDefault(ACQUIRED, List.of());
        HotplugException failure = HotplugException.failure(null, null, "could not release every DRC again", null);
        releaseAll(acquired, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /** Releases in reverse; failures are attached to {@code into} and the walk goes on. */
    private void releaseAll(List<DeviceRef> acquired, HotplugException into) {
        for (int i = acquired.size() - 1; i >= 0; i--) {
            DeviceRef drc = acquired.get(i);
            try {
                DlparCommand remove = connector.command(drc, DlparAction.REMOVE);
                connector.run(drc, remove);
                LOG.info("DRC {} released again", drc.id());
            } catch (HotplugException e) {
                LOG.error("could not release DRC {}: {}", drc.id(), e.getMessage());
                into.addSuppressed(e);
            }
        }
        acquired.clear();
    }
}
