package org.syshotplug.cpu.internal;

import java.util.BitSet;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Checks a CPU request before anything changes: every CPU exists and is present, the ones that
 * would change are hot-pluggable, and the request as a whole leaves at least one CPU online.
 * A CPU already in the requested state is a no-op, as it is for the kernel's {@code online} file.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.cpu.validate")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.CPU, devices = DeviceRef.CPU)
public class CpuValidateHandler implements HotplugHandler {

    private final CpuTopology topology;

    @Activate
    public CpuValidateHandler(@Reference(name = "files") SystemFiles files) {
        this.topology = new CpuTopology(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        Operation operation = context.request().operation();
        boolean bringUp = operation.isBringUp();
        List<DeviceRef> cpus = context.devices(DeviceRef.CPU);
        try {
            CpuTopology.Reading now = topology.reading();
            String targetParameter = context.request().parameter(CpuhpTarget.PARAMETER);
            int target = targetParameter == null ? -1
                    : CpuhpTarget.requested(targetParameter, operation, now.states());
            SortedSet<Integer> changing = new TreeSet<>();
            for (DeviceRef device : cpus) {
                refuseWildcard(device);
                int id = device.numericId();
                boolean hotpluggable = now.hotpluggable(id);
                boolean exists = now.exists(id, hotpluggable);
                if (!exists || !now.present(id)) {
                    if (operation == Operation.ADD) {
                        // The firmware handlers make a hot-added CPU present during execute; the
                        // execute handler checks again once they have run.
                        changing.add(id);
                        continue;
                    }
                    throw HotplugException.veto(device, Errno.ENODEV, !exists
                            ? "no such CPU: " + KernelPaths.cpu(id) + " does not exist"
                            : "CPU " + id + " is not present (see " + KernelPaths.CPU_ROOT + "/present)");
                }
                if (target >= 0) {
                    if (checkPartial(device, id, hotpluggable, hotpluggable ? now.cpuhpState(id) : null, target, bringUp)) {
                        changing.add(id);
                    }
                    continue;
                }
                if (now.online(id, hotpluggable) == bringUp) {
                    continue;
                }
                if (!hotpluggable) {
                    throw HotplugException.veto(device, Errno.EPERM, "CPU " + id
                            + " is not hot-pluggable: the kernel offers no " + KernelPaths.cpu(id, CpuTopology.ONLINE)
                            + " file for it (on x86 the boot CPU stays online)");
                }
                changing.add(id);
            }
            if (!bringUp && !changing.isEmpty()) {
                refuseLastOnline(cpus, changing, now.onlineMask());
            }
        } catch (SystemFileException e) {
            throw HotplugException.veto(null, e.errno(), "cannot read the CPU state: " + e.getMessage());
        }
    }

    /** True if the CPU would move; refuses a CPU without cpuhp files and a move in the wrong direction. */
    private static boolean checkPartial(DeviceRef device, int id, boolean hotpluggable, Integer cpuhpState, int target,
            boolean bringUp) throws HotplugException {
        if (!hotpluggable || cpuhpState == null) {
            throw HotplugException.veto(device, Errno.EOPNOTSUPP, "CPU " + id
                    + " has no hot-plug state control here (no online or hotplug/target file)");
        }
        int current = cpuhpState;
        if (current == target) {
            return false;
        }
        if (bringUp != target > current) {
            throw HotplugException.veto(device, Errno.EINVAL, "CPU " + id + " is at cpuhp state " + current
                    + ": " + (bringUp ? "online" : "offline") + " to state " + target + " would go "
                    + (bringUp ? "down" : "up") + "; use " + (bringUp ? "offline" : "online") + " for that");
        }
        return true;
    }

    static void refuseWildcard(DeviceRef device) throws HotplugException {
        if (device.isWildcard()) {
            throw HotplugException.veto(device, Errno.EINVAL, "cpu:* was not resolved into CPUs: the CPU handlers act on"
                    + " concrete CPUs only; name them (cpu:1, cpu:2) or let a firmware resource handler choose them"
                    + " with the request parameter count");
        }
    }

    /** Counts the whole request: offlining CPUs one by one could each look fine and still end with none. */
    private static void refuseLastOnline(List<DeviceRef> cpus, SortedSet<Integer> changing, BitSet online)
            throws HotplugException {
        BitSet remaining = (BitSet) online.clone();
        changing.forEach(remaining::clear);
        if (remaining.isEmpty()) {
            DeviceRef first = cpus.stream().filter(d -> d.numericId() == changing.first()).findFirst().orElse(null);
            throw HotplugException.veto(first, Errno.EBUSY, "taking CPUs " + CpuList.format(changing)
                    + " offline would leave no CPU online: keep at least one CPU online");
        }
    }
}
