package org.syshotplug.rtas.internal;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.DlparGrammar;
import org.syshotplug.rtas.internal.dlpar.DlparIdType;
import org.syshotplug.rtas.internal.dlpar.DlparSyntaxException;
import org.syshotplug.rtas.internal.dlpar.KernelNumber;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;
import org.syshotplug.spi.UndoLog;

/**
 * Add, first step of the bring-up chain: acquires and configures each DRC (the kernel then attaches
 * its node and brings the CPUs or memory blocks up, which the CPU and memory handlers find done).
 * Each acquire is one DLPAR write whose undo is the matching remove; all of them are planned in the
 * step's {@link UndoLog} before the first, so DRCs acquired before a crash are released by the
 * rollback recovery runs from the journal. A DRC that fails releases those this step took before the
 * exception leaves, as the kernel's by-count add does; rollback releases all of them, in reverse.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.rtas.drc.acquire")
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.FIRMWARE_BUS, operations = "add",
        devices = DeviceRef.DRC)
public class DrcAcquireHandler implements HotplugHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DrcAcquireHandler.class);

    private final SystemFiles files;
    private final DrcConnector connector;

    /** One DRC of this step: the command that acquires it and the one that releases it again. */
    private record Acquire(DeviceRef drc, DlparCommand add, DlparCommand remove) {
    }

    @Activate
    public DrcAcquireHandler(@Reference(name = "files") SystemFiles files) {
        this.files = files;
        this.connector = new DrcConnector(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> drcs = context.devices(DeviceRef.DRC);
        List<Acquire> plan = new ArrayList<>(drcs.size());
        for (DeviceRef drc : drcs) {
            DlparCommand add = connector.command(drc, DlparAction.ADD);
            plan.add(new Acquire(drc, add, DlparCommand.byIndex(add.resource(), DlparAction.REMOVE, add.index())));
        }
        UndoLog undo = context.undo();
        for (Acquire a : plan) {
            undo.plan(KernelPaths.DLPAR, a.add().toSysfsString(), a.remove().toSysfsString());
        }
        int done = 0;
        for (Acquire a : plan) {
            try {
                undo.write(files, KernelPaths.DLPAR, a.add().toSysfsString(), a.remove().toSysfsString());
            } catch (SystemFileException e) {
                HotplugException failure = DrcConnector.refused(a.drc(), a.add(), e);
                releaseAll(undo, failure);
                throw failure;
            }
            LOG.info("DRC {} acquired and configured", a.drc().id());
            context.progress(a.drc(), ++done, drcs.size(), "DRC " + a.drc().id() + " configured");
        }
    }

    @Override
    public void rollback(HandlerContext context) throws HotplugException {
        HotplugException failure = HotplugException.failure(null, null, "could not release every DRC again", null);
        releaseAll(context.undo(), failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    /**
     * Releases in reverse; failures are attached to {@code into}. A DRC that is released already (a
     * rollback interrupted by a crash, or an in-doubt acquire that never happened) is skipped.
     */
    private void releaseAll(UndoLog undo, HotplugException into) {
        try {
            undo.restore((path, value) -> {
                DlparCommand remove = parse(value);
                if (remove != null && connector.released(remove)) {
                    LOG.info("DRC {} is released already", KernelNumber.hex(remove.index()));
                    return;
                }
                files.write(path, value);
                LOG.info("DRC {} released again", remove == null ? value : KernelNumber.hex(remove.index()));
            });
        } catch (SystemFileException e) {
            into.addSuppressed(couldNotRelease(e));
            for (Throwable other : e.getSuppressed()) {
                if (other instanceof SystemFileException more) {
                    into.addSuppressed(couldNotRelease(more));
                }
            }
        }
    }

    private static HotplugException couldNotRelease(SystemFileException e) {
        DlparCommand remove = parse(e.value());
        DeviceRef drc = remove == null ? null : DeviceRef.of(DeviceRef.DRC, KernelNumber.hex(remove.index()));
        HotplugException failure = remove == null
                ? HotplugException.failure(null, e.errno(), "the kernel refused '" + e.value() + "': " + e.getMessage(), e)
                : DrcConnector.refused(drc, remove, e);
        LOG.error("could not release DRC {}: {}", drc == null ? "?" : drc.id(), failure.getMessage());
        return failure;
    }

    /** The remove command a journaled undo value holds, or null when it is not one this handler wrote. */
    private static DlparCommand parse(String value) {
        try {
            DlparCommand command = DlparGrammar.mainline().parse(value);
            return command.idType() == DlparIdType.DRC_INDEX ? command : null;
        } catch (DlparSyntaxException e) {
            return null;
        }
    }
}
