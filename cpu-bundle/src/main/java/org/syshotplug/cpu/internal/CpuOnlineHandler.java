package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
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
 * Brings CPUs up or down through their {@code online} files. Like the kernel's cpuhp walk, a
 * failure half-way brings the CPUs this step already changed back, in reverse, before it throws,
 * and rollback undoes exactly the CPUs this request changed.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.cpu.online")
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.CPU, devices = DeviceRef.CPU)
public class CpuOnlineHandler implements HotplugHandler {

    /** The attribute holding the ids this request changed, in the order they changed. */
    static final String CHANGED = "cpu.changed";

    private static final Logger LOG = LoggerFactory.getLogger(CpuOnlineHandler.class);

    private final SystemFiles files;
    private final CpuTopology topology;

    @Activate
    public CpuOnlineHandler(@Reference(name = "files") SystemFiles files) {
        this.files = files;
        this.topology = new CpuTopology(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        boolean bringUp = context.request().operation().isBringUp();
        List<DeviceRef> cpus = context.devices(DeviceRef.CPU);
        List<Integer> changed = new ArrayList<>();
        context.attributes().put(CHANGED, changed);
        int done = 0;
        for (DeviceRef device : cpus) {
            CpuValidateHandler.refuseWildcard(device);
            int id = device.numericId();
            if (context.expired()) {
                throw undoThenFail(changed, bringUp, HotplugException.failure(device, Errno.ETIMEDOUT,
                        "the request deadline passed before CPU " + id + " was handled; the CPUs changed so far"
                                + " were put back", null));
            }
            try {
                Cpu cpu = topology.cpu(id).orElse(null);
                if (cpu == null || !cpu.present()) {
                    throw undoThenFail(changed, bringUp, HotplugException.failure(device, Errno.ENODEV, cpu == null
                            ? "no such CPU: " + KernelPaths.cpu(id) + " does not exist"
                            : "CPU " + id + " is not present (see " + KernelPaths.CPU_ROOT + "/present)", null));
                }
                if (cpu.online() == bringUp) {
                    context.progress(device, ++done, cpus.size(), "CPU " + id + " already " + word(bringUp));
                    continue;
                }
                files.write(KernelPaths.cpu(id, CpuTopology.ONLINE), bringUp ? "1" : "0");
            } catch (SystemFileException e) {
                throw undoThenFail(changed, bringUp, HotplugException.failure(device, e.errno(),
                        "the kernel refused to take CPU " + id + " " + word(bringUp) + ": " + e.errno().name()
                                + " (" + e.errno().text() + ")" + advice(e.errno()), e));
            }
            changed.add(id);
            LOG.info("CPU {} {}", id, word(bringUp));
            context.progress(device, ++done, cpus.size(), "CPU " + id + " " + word(bringUp));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void rollback(HandlerContext context) throws HotplugException {
        Object changed = context.attributes().get(CHANGED);
        if (changed instanceof List<?> list) {
            HotplugException failure = restore((List<Integer>) list, context.request().operation().isBringUp());
            if (failure != null) {
                throw failure;
            }
        }
    }

    private HotplugException undoThenFail(List<Integer> changed, boolean bringUp, HotplugException cause) {
        HotplugException undoFailure = restore(changed, bringUp);
        if (undoFailure != null) {
            cause.addSuppressed(undoFailure);
        }
        return cause;
    }

    /** Puts the CPUs back in reverse order; keeps going past a failure so as much as possible is restored. */
    private HotplugException restore(List<Integer> changed, boolean bringUp) {
        HotplugException first = null;
        for (int i = changed.size() - 1; i >= 0; i--) {
            int id = changed.get(i);
            try {
                files.write(KernelPaths.cpu(id, CpuTopology.ONLINE), bringUp ? "0" : "1");
                LOG.info("CPU {} {} again", id, word(!bringUp));
            } catch (SystemFileException e) {
                LOG.error("could not put CPU {} back {}: {}", id, word(!bringUp), e.getMessage());
                HotplugException f = HotplugException.failure(DeviceRef.cpu(id), e.errno(),
                        "could not put CPU " + id + " back " + word(!bringUp) + ": " + e.getMessage(), e);
                if (first == null) {
                    first = f;
                } else {
                    first.addSuppressed(f);
                }
            }
        }
        changed.clear();
        return first;
    }

    private static String word(boolean bringUp) {
        return bringUp ? "online" : "offline";
    }

    private static String advice(Errno errno) {
        return switch (errno) {
            case EAGAIN -> "; a cpuhp callback failed and the kernel returned the CPU to its former state; retry later";
            case EBUSY -> "; the CPU is in use (e.g. bound tasks or interrupts); free it and retry";
            case EPERM -> "; the CPU is not allowed to change state";
            default -> "";
        };
    }
}
