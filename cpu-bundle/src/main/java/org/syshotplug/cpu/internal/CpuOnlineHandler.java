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
 * Brings CPUs up or down through their {@code online} files (or, with the request parameter
 * {@value CpuhpTarget#PARAMETER}, to one cpuhp state through {@code hotplug/target}). Like the
 * kernel's cpuhp walk, a failure half-way brings the CPUs this step already changed back, in
 * reverse, before it throws, and rollback undoes exactly the CPUs this request changed.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.cpu.online")
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.CPU, devices = DeviceRef.CPU)
public class CpuOnlineHandler implements HotplugHandler {

    /** The attribute holding what this request changed, in the order it changed. */
    static final String CHANGED = "cpu.changed";
    /** The same as text ({@code cpu:online|target:undo,...}), journaled before each write, for a rollback after a crash. */
    static final String UNDO = "cpu.undo";

    private static final Logger LOG = LoggerFactory.getLogger(CpuOnlineHandler.class);

    /** One CPU this request changed: the file written and the value that puts the CPU back. */
    record Change(int cpu, String file, String undo) {
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
        boolean bringUp = context.request().operation().isBringUp();
        String targetParameter = context.request().parameter(CpuhpTarget.PARAMETER);
        List<DeviceRef> cpus = context.devices(DeviceRef.CPU);
        List<Change> changed = new ArrayList<>();
        context.attributes().put(CHANGED, changed);
        CpuTopology.Reading now = topology.reading();
        int done = 0;
        for (DeviceRef device : cpus) {
            CpuValidateHandler.refuseWildcard(device);
            int id = device.numericId();
            if (context.expired()) {
                throw undoThenFail(changed, HotplugException.failure(device, Errno.ETIMEDOUT,
                        "the request deadline passed before CPU " + id + " was handled; the CPUs changed so far"
                                + " were put back", null));
            }
            String goal = bringUp ? "online" : "offline";
            try {
                // Read again here, not taken from validate: a firmware handler may have just made a
                // hot-added CPU present, and anyone outside may have moved a CPU since validate; the
                // no-op decision and the journaled undo must match the CPU as it is right before the write.
                boolean hotpluggable = now.hotpluggable(id);
                boolean exists = now.exists(id, hotpluggable);
                if (!exists || !now.present(id)) {
                    throw undoThenFail(changed, HotplugException.failure(device, Errno.ENODEV, !exists
                            ? "no such CPU: " + KernelPaths.cpu(id) + " does not exist"
                            : "CPU " + id + " is not present (see " + KernelPaths.CPU_ROOT + "/present)", null));
                }
                Change change;
                if (targetParameter != null) {
                    int target = CpuhpTarget.requested(targetParameter, context.request().operation(), now.states());
                    goal = "to cpuhp state " + target;
                    Integer state = now.cpuhpState(id);
                    if (state == null) {
                        throw undoThenFail(changed, HotplugException.failure(device, Errno.EOPNOTSUPP,
                                "CPU " + id + " has no " + KernelPaths.cpu(id, CpuTopology.CPUHP_TARGET) + " file", null));
                    }
                    change = state == target ? null
                            : new Change(id, KernelPaths.cpu(id, CpuTopology.CPUHP_TARGET), String.valueOf(state));
                    if (change != null) {
                        writeAhead(context, changed, change);
                        files.write(change.file(), Integer.toString(target));
                    }
                } else {
                    change = now.online(id, hotpluggable) == bringUp ? null
                            : new Change(id, KernelPaths.cpu(id, CpuTopology.ONLINE), bringUp ? "0" : "1");
                    if (change != null) {
                        writeAhead(context, changed, change);
                        files.write(change.file(), bringUp ? "1" : "0");
                    }
                }
                if (change == null) {
                    context.progress(device, ++done, cpus.size(), "CPU " + id + " already " + goal.replace("to cpuhp", "at cpuhp"));
                    continue;
                }
                changed.add(change);
            } catch (SystemFileException e) {
                throw undoThenFail(changed, HotplugException.failure(device, e.errno(),
                        "the kernel refused to take CPU " + id + " " + goal + ": " + e.errno().name()
                                + " (" + e.errno().text() + ")" + advice(e.errno(), targetParameter != null), e));
            }
            LOG.info("CPU {} {}", id, goal);
            context.progress(device, ++done, cpus.size(), "CPU " + id + " " + goal);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void rollback(HandlerContext context) throws HotplugException {
        Object changed = context.attributes().get(CHANGED);
        if (!(changed instanceof List<?>) && context.attributes().get(UNDO) instanceof String text) {
            // After a restart only the journaled text is left; putting back a CPU the crash did not reach is harmless.
            changed = parseUndo(text);
        }
        if (changed instanceof List<?> list) {
            HotplugException failure = restore((List<Change>) list);
            if (failure != null) {
                throw failure;
            }
        }
    }

    private static void writeAhead(HandlerContext context, List<Change> changed, Change next) {
        StringBuilder b = new StringBuilder();
        List<Change> all = new ArrayList<>(changed);
        all.add(next);
        for (Change c : all) {
            b.append(b.length() == 0 ? "" : ",").append(c.cpu()).append(':')
                    .append(c.file().endsWith(CpuTopology.CPUHP_TARGET) ? "target" : "online").append(':').append(c.undo());
        }
        context.attributes().put(UNDO, b.toString());
    }

    private static List<Change> parseUndo(String text) {
        List<Change> out = new ArrayList<>();
        for (String entry : text.split(",")) {
            String[] f = entry.split(":");
            if (f.length == 3 && f[0].matches("[0-9]{1,9}") && f[2].matches("-?[0-9]{1,4}")) {
                int cpu = Integer.parseInt(f[0]);
                out.add(new Change(cpu, KernelPaths.cpu(cpu, f[1].equals("target") ? CpuTopology.CPUHP_TARGET
                        : CpuTopology.ONLINE), f[2]));
            }
        }
        return out;
    }

    private HotplugException undoThenFail(List<Change> changed, HotplugException cause) {
        HotplugException undoFailure = restore(changed);
        if (undoFailure != null) {
            cause.addSuppressed(undoFailure);
        }
        return cause;
    }

    /** Puts the CPUs back in reverse order; keeps going past a failure so as much as possible is restored. */
    private HotplugException restore(List<Change> changed) {
        HotplugException first = null;
        for (int i = changed.size() - 1; i >= 0; i--) {
            Change change = changed.get(i);
            try {
                files.write(change.file(), change.undo());
                LOG.info("CPU {} put back: {} = {}", change.cpu(), change.file(), change.undo());
            } catch (SystemFileException e) {
                LOG.error("could not put CPU {} back: {}", change.cpu(), e.getMessage());
                HotplugException f = HotplugException.failure(DeviceRef.cpu(change.cpu()), e.errno(),
                        "could not put CPU " + change.cpu() + " back (" + change.file() + " = " + change.undo() + "): "
                                + e.getMessage(), e);
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
