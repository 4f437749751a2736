package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
import org.syshotplug.spi.UndoLog;

/**
 * Brings CPUs up or down through their {@code online} files (or, with the request parameter
 * {@value CpuhpTarget#PARAMETER}, to one cpuhp state through {@code hotplug/target}). Every write
 * is planned in the step's {@link UndoLog} before the first one, so the whole plan is durable
 * with one force. Like the kernel's cpuhp walk, a failure half-way brings the CPUs this step
 * already changed back, in reverse, before it throws, and rollback — also one rebuilt from the
 * journal after a crash — undoes exactly the CPUs this request changed.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.cpu.online")
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.CPU, devices = DeviceRef.CPU)
public class CpuOnlineHandler implements HotplugHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CpuOnlineHandler.class);
    private static final Pattern CPU_FILE = Pattern.compile(Pattern.quote(KernelPaths.CPU_ROOT) + "/cpu([0-9]{1,9})/.*");

    /** One CPU write this step will make: the file, the value, the value that puts the CPU back, and the goal in words. */
    record Change(int cpu, String file, String value, String undo, String goal) {
    }

    private final SystemFiles files;
    private final CpuTopology topology;

    @Activate
    public CpuOnlineHandler(@Reference(name = "files") SystemFiles files) {
        this.files = files;
        this.topology = new CpuTopology(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> cpus = context.devices(DeviceRef.CPU);
        List<Change> plan = plan(context, cpus);
        UndoLog undo = context.undo();
        for (Change change : plan) {
            if (change.file() != null) {
                undo.plan(change.file(), change.value(), change.undo());
            }
        }
        int done = 0;
        for (int i = 0; i < cpus.size(); i++) {
            DeviceRef device = cpus.get(i);
            Change change = plan.get(i);
            if (context.expired()) {
                throw undoThenFail(undo, HotplugException.failure(device, Errno.ETIMEDOUT,
                        "the request deadline passed before CPU " + change.cpu() + " was handled; the CPUs changed so far"
                                + " were put back", null));
            }
            if (change.file() == null) {
                context.progress(device, ++done, cpus.size(), "CPU " + change.cpu() + " already "
                        + change.goal().replace("to cpuhp", "at cpuhp"));
                continue;
            }
            try {
                undo.write(files, change.file(), change.value(), change.undo());
            } catch (SystemFileException e) {
                throw undoThenFail(undo, HotplugException.failure(device, e.errno(),
                        "the kernel refused to take CPU " + change.cpu() + " " + change.goal() + ": " + e.errno().name()
                                + " (" + e.errno().text() + ")" + advice(e.errno(), change.goal().startsWith("to cpuhp")),
                        e));
            }
            LOG.info("CPU {} {}", change.cpu(), change.goal());
            context.progress(device, ++done, cpus.size(), "CPU " + change.cpu() + " " + change.goal());
        }
    }

    /**
     * What each CPU needs, decided before anything is written (a CPU that is not there fails the step
     * with nothing changed); a CPU already in the asked state gets a change without a file.
     */
    private List<Change> plan(HandlerContext context, List<DeviceRef> cpus) throws HotplugException {
        boolean bringUp = context.request().operation().isBringUp();
        String targetParameter = context.request().parameter(CpuhpTarget.PARAMETER);
        // Read here, not taken from validate: a firmware handler may have just made a hot-added CPU
        // present, and anyone outside may have moved a CPU since validate; the no-op decision and the
        // journaled undo must match the CPUs as they are right before the writes.
        CpuTopology.Reading now;
        int target = -1;
        try {
            now = topology.reading();
            if (targetParameter != null && !cpus.isEmpty()) {
                target = CpuhpTarget.requested(targetParameter, context.request().operation(), now.states());
            }
        } catch (SystemFileException e) {
            throw HotplugException.failure(null, e.errno(), "cannot read the CPU masks: " + e.getMessage(), e);
        }
        List<Change> plan = new ArrayList<>(cpus.size());
        for (DeviceRef device : cpus) {
            CpuValidateHandler.refuseWildcard(device);
            int id = device.numericId();
            try {
                boolean hotpluggable = now.hotpluggable(id);
                boolean exists = now.exists(id, hotpluggable);
                if (!exists || !now.present(id)) {
                    throw HotplugException.failure(device, Errno.ENODEV, !exists
                            ? "no such CPU: " + KernelPaths.cpu(id) + " does not exist"
                            : "CPU " + id + " is not present (see " + KernelPaths.CPU_ROOT + "/present)", null);
                }
                if (target >= 0) {
                    Integer state = now.cpuhpState(id);
                    if (state == null) {
                        throw HotplugException.failure(device, Errno.EOPNOTSUPP,
                                "CPU " + id + " has no " + KernelPaths.cpu(id, CpuTopology.CPUHP_TARGET) + " file", null);
                    }
                    String goal = "to cpuhp state " + target;
                    plan.add(state == target ? new Change(id, null, null, null, goal)
                            : new Change(id, KernelPaths.cpu(id, CpuTopology.CPUHP_TARGET), Integer.toString(target),
                                    String.valueOf(state), goal));
                } else {
                    String goal = bringUp ? "online" : "offline";
                    plan.add(now.online(id, hotpluggable) == bringUp ? new Change(id, null, null, null, goal)
                            : new Change(id, KernelPaths.cpu(id, CpuTopology.ONLINE), bringUp ? "1" : "0",
                                    bringUp ? "0" : "1", goal));
                }
            } catch (SystemFileException e) {
                throw HotplugException.failure(device, e.errno(), "cannot read the state of CPU " + id + ": "
                        + e.getMessage(), e);
            }
        }
        return plan;
    }

    @Override
    public void rollback(HandlerContext context) throws HotplugException {
        HotplugException failure = restore(context.undo());
        if (failure != null) {
            throw failure;
        }
    }

    private HotplugException undoThenFail(UndoLog undo, HotplugException cause) {
        HotplugException undoFailure = restore(undo);
        if (undoFailure != null) {
            cause.addSuppressed(undoFailure);
        }
        return cause;
    }

    /**
     * Puts the CPUs back in reverse order, going on past a failure so as much as possible is restored;
     * writing {@code 1} to a CPU that is already online is harmless, so an in-doubt entry costs nothing.
     */
    private HotplugException restore(UndoLog undo) {
        try {
            undo.restore((path, value) -> {
                files.write(path, value);
                LOG.info("CPU {} put back: {} = {}", cpuOf(path), path, value);
            });
            return null;
        } catch (SystemFileException e) {
            HotplugException first = couldNotPutBack(e);
            for (Throwable other : e.getSuppressed()) {
                if (other instanceof SystemFileException more) {
                    first.addSuppressed(couldNotPutBack(more));
                }
            }
            return first;
        }
    }

    private static HotplugException couldNotPutBack(SystemFileException e) {
        int cpu = cpuOf(e.path());
        LOG.error("could not put CPU {} back: {}", cpu, e.getMessage());
        return HotplugException.failure(cpu < 0 ? null : DeviceRef.cpu(cpu), e.errno(),
                "could not put CPU " + cpu + " back (" + e.path() + " = " + e.value() + "): " + e.getMessage(), e);
    }

    private static int cpuOf(String path) {
        Matcher m = CPU_FILE.matcher(path == null ? "" : path);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String advice(Errno errno, boolean partial) {
        return switch (errno) {
            case EAGAIN -> "; a cpuhp callback failed and the kernel returned the CPU to its former state; retry later";
            case EBUSY -> "; the CPU is in use (e.g. bound tasks or interrupts); free it and retry";
            case EPERM -> "; the CPU is not allowed to change state";
            case EINVAL -> !partial ? "" : "; with " + CpuhpTarget.PARAMETER + ", kernels without CONFIG_CPU_HOTPLUG_STATE_CONTROL"
                    + " take only the first and the last state";
            default -> "";
        };
    }
}
