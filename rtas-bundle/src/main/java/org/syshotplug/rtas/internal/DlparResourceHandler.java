package org.syshotplug.rtas.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;
import org.syshotplug.rtas.internal.devicetree.MalformedDataException;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.KernelNumber;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Resolves DLPAR targets into concrete DRCs and the OS devices behind them, before anyone changes
 * anything: {@code drc:<index>} and {@code drc:<name>}, and the wildcards {@code memory:*} /
 * {@code cpu:*} of a DLPAR request (parameter {@code resource} with {@code count}, and {@code index}
 * for indexed-count). Each DRC becomes {@code drc:0x...} followed by its CPUs or memory blocks, so the
 * CPU and memory handlers offline them before the DRC handler releases the connector, and online
 * what the DRC handler configured.
 *
 * <p>Refusals use the kernel's rules and errnos (hotplug-memory.c, hotplug-cpu.c): an unknown DRC,
 * count 0, or fewer removable LMBs than asked is EINVAL; an LMB already assigned is EPERM; a core
 * that is not configured is ENODEV. CPU by count, which current kernels refuse, is taken as drmgr
 * does: add picks the last unconfigured CPU DRCs of {@code ibm,drc-indexes}, remove the first
 * configured cores, never the last one.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.rtas.resources")
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.FIRMWARE_RESOURCES,
        operations = {"add", "remove"}, devices = {DeviceRef.DRC, DeviceRef.CPU, DeviceRef.MEMORY})
public class DlparResourceHandler implements HotplugHandler {

    private final PseriesPartition partition;

    @Activate
    public DlparResourceHandler(@Reference(name = "files") SystemFiles files) {
        this.partition = new PseriesPartition(files);
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        HotplugRequest request = context.request();
        boolean add = request.operation() == Operation.ADD;
        List<DeviceRef> ours = new ArrayList<>();
        for (DeviceRef d : context.devices()) {
            if (DeviceRef.DRC.equals(d.type()) || d.isWildcard() && isDlparWildcard(request, d)) {
                ours.add(d);
            }
        }
        if (ours.isEmpty()) {
            return;
        }
        if (!partition.present()) {
            throw HotplugException.veto(ours.get(0), Errno.ENODEV, "this machine has no /sys/kernel/dlpar: DRCs"
                    + " and DLPAR exist only on a POWER (pseries) partition");
        }
        try {
            List<Integer> promisedCpus = new ArrayList<>();
            for (DeviceRef target : ours) {
                context.resolve(target, target.isWildcard() ? byCount(request, target, add, promisedCpus)
                        : byDrc(request, target, add, promisedCpus));
            }
        } catch (SystemFileException e) {
            throw HotplugException.veto(null, e.errno(), "cannot read the partition's CPU and memory files: " + e.getMessage());
        } catch (MalformedDataException | IllegalStateException e) {
            throw HotplugException.veto(null, Errno.EIO, "cannot read the DRCs from the device tree: " + e.getMessage());
        }
    }

    private static boolean isDlparWildcard(HotplugRequest request, DeviceRef d) {
        return (DeviceRef.CPU.equals(d.type()) || DeviceRef.MEMORY.equals(d.type()))
                && request.parameter(DlparCommand.RESOURCE) != null && request.parameter(DlparCommand.COUNT) != null;
    }

    private List<DeviceRef> byDrc(HotplugRequest request, DeviceRef target, boolean add, List<Integer> promisedCpus)
            throws HotplugException, SystemFileException {
        Optional<Drc> found;
        String id = target.id();
        try {
            long index = KernelNumber.parseU32(id);
            found = partition.byIndex(index);
        } catch (KernelNumber.NotANumber notAnIndex) {
            found = partition.byName(id);
        }
        String resource = request.parameter(DlparCommand.RESOURCE);
        if ("dt".equals(resource)) {
            throw HotplugException.veto(target, Errno.EOPNOTSUPP, "'dt' requests update the device tree for I/O"
                    + " DLPAR, which drmgr drives together with the PCI hot-plug driver; SysHotplug handles cpu and memory");
        }
        if (found.isEmpty()) {
            String what = "cpu".equals(resource) ? "CPU" : "memory".equals(resource) ? "LMB" : "DRC";
            throw HotplugException.veto(target, Errno.EINVAL, "Cannot find " + what + " (drc " + id + ") to "
                    + (add ? "add" : "remove") + ": no DRC of that " + (id.startsWith("0") ? "index" : "name")
                    + " in ibm,drc-indexes of / or /cpus (see hotplug:lsslot)");
        }
        Drc drc = found.get();
        if (resource != null && !resource.equals(resourceOf(drc))) {
            throw HotplugException.veto(target, Errno.EINVAL, "DRC " + drc.name() + " (" + drc.indexHex() + ") is a "
                    + drc.type() + " connector, not " + resource + ": use '" + resourceOf(drc) + "' as the resource");
        }
        List<DeviceRef> out = new ArrayList<>();
        out.add(drcRef(drc));
        if (drc.isCpu()) {
            out.addAll(cpusOf(target, drc, add, promisedCpus));
        } else if (drc.isMemory()) {
            DynamicMemory drmem = requireDrmem(target);
            Lmb lmb = drmem.byDrcIndex(drc.index()).orElseThrow(() -> HotplugException.veto(target, Errno.EINVAL,
                    "LMB " + drc.indexHex() + " is not in " + DynamicMemory.V2 + " / " + DynamicMemory.V1));
            if (add && lmb.assigned()) {
                throw HotplugException.veto(target, Errno.EPERM, drc.name() + " (" + drc.indexHex()
                        + ") is already assigned to this partition: the kernel cannot acquire its DRC (EPERM)");
            }
            if (!add && !lmb.removable()) {
                throw HotplugException.veto(target, Errno.EINVAL, drc.name() + " (" + drc.indexHex() + ") is "
                        + (lmb.reserved() ? "reserved" : "not assigned to this partition") + ": nothing to remove");
            }
            partition.blocks(lmb, drmem.lmbSize()).forEach(b -> out.add(DeviceRef.memory(b)));
        } else {
            throw HotplugException.veto(target, Errno.EOPNOTSUPP, "DRC " + drc.name() + " is a " + drc.type()
                    + " connector: only CPU and memory DLPAR run through the kernel; I/O slots need drmgr");
        }
        return out;
    }

    private List<DeviceRef> cpusOf(DeviceRef target, Drc drc, boolean add, List<Integer> promisedCpus)
            throws HotplugException, SystemFileException {
        Map<Long, String> nodes = partition.cpuNodes();
        String node = nodes.get(drc.index());
        List<DeviceRef> out = new ArrayList<>();
        if (add) {
            if (node != null) {
                throw HotplugException.veto(target, Errno.EINVAL, "CPU with drc index " + Long.toHexString(drc.index())
                        + " already exists (" + node + ")");
            }
            List<Integer> ids = partition.nextLogicalCpus(partition.threadsPerCore(), promisedCpus);
            if (ids.isEmpty()) {
                throw HotplugException.veto(target, Errno.EINVAL, "no free logical CPU ids for " + drc.name()
                        + ": every possible CPU is present (see /sys/devices/system/cpu/possible)");
            }
            promisedCpus.addAll(ids);
            ids.forEach(id -> out.add(DeviceRef.cpu(id)));
        } else {
            if (node == null) {
                throw HotplugException.veto(target, Errno.ENODEV, "Cannot find CPU (drc index "
                        + Long.toHexString(drc.index()) + ") to remove: " + drc.name() + " is not configured");
            }
            partition.logicalCpus(partition.hardwareThreads(node)).forEach(id -> out.add(DeviceRef.cpu(id)));
        }
        return out;
    }

    private List<DeviceRef> byCount(HotplugRequest request, DeviceRef target, boolean add, List<Integer> promisedCpus)
            throws HotplugException, SystemFileException {
        DlparCommand command;
        try {
            HotplugRequest.Builder one = HotplugRequest.builder(request.operation()).target(target)
                    .origin(request.origin()).parameter(DlparCommand.RESOURCE, request.parameter(DlparCommand.RESOURCE))
                    .parameter(DlparCommand.COUNT, request.parameter(DlparCommand.COUNT));
            if (request.parameter(DlparCommand.INDEX) != null) {
                one.parameter(DlparCommand.INDEX, request.parameter(DlparCommand.INDEX));
            }
            command = DlparCommand.fromRequest(one.build());
        } catch (IllegalArgumentException e) {
            throw HotplugException.veto(target, Errno.EINVAL, e.getMessage());
        }
        if (command.count() == 0) {
            throw HotplugException.veto(target, Errno.EINVAL, "a DLPAR count of 0 asks for nothing: give 1 or more");
        }
        return DeviceRef.CPU.equals(target.type()) ? cpusByCount(target, command, add, promisedCpus)
                : lmbsByCount(target, command, add);
    }

    private List<DeviceRef> lmbsByCount(DeviceRef target, DlparCommand command, boolean add)
            throws HotplugException, SystemFileException {
        DynamicMemory drmem = requireDrmem(target);
        List<Lmb> lmbs = drmem.lmbs();
        List<Lmb> chosen = new ArrayList<>();
        long count = command.count();
        if (command.idType() == org.syshotplug.rtas.internal.dlpar.DlparIdType.DRC_INDEXED_COUNT) {
            int start = drmem.position(command.index());
            if (start < 0 || start + count > lmbs.size()) {
                throw HotplugException.veto(target, Errno.EINVAL, count + " LMBs from drc index "
                        + KernelNumber.hex(command.index()) + " do not fit: " + (start < 0 ? "no LMB has that index"
                        : "the range runs past the last of " + lmbs.size() + " LMBs"));
            }
            for (Lmb l : lmbs.subList(start, (int) (start + count))) {
                if (l.reserved()) {
                    throw HotplugException.veto(target, Errno.EINVAL, "Memory at " + Long.toHexString(l.base())
                            + " (drc index " + Long.toHexString(l.drcIndex()) + ") is reserved");
                }
                // Already in the asked state is a no-op for indexed-count, as in the kernel.
                if (add != l.assigned()) {
                    chosen.add(l);
                }
            }
        } else if (add) {
            lmbs.stream().filter(l -> l.hasDrc() && !l.assigned() && !l.reserved()).limit(count).forEach(chosen::add);
            if (chosen.size() < count) {
                throw HotplugException.veto(target, Errno.EINVAL, "Not enough LMBs available (" + chosen.size()
                        + " of " + count + ") to satisfy request: the partition has no more unassigned LMBs");
            }
        } else {
            lmbs.stream().filter(l -> l.hasDrc() && l.removable()).limit(count).forEach(chosen::add);
            if (chosen.size() < count) {
                throw HotplugException.veto(target, Errno.EINVAL, "Not enough LMBs available (" + chosen.size()
                        + " of " + count + ") to satisfy request: only assigned, non-reserved LMBs can be removed");
            }
        }
        List<DeviceRef> out = new ArrayList<>();
        for (Lmb l : chosen) {
            out.add(DeviceRef.of(DeviceRef.DRC, KernelNumber.hex(l.drcIndex())));
            partition.blocks(l, drmem.lmbSize()).forEach(b -> out.add(DeviceRef.memory(b)));
        }
        return out;
    }

    private List<DeviceRef> cpusByCount(DeviceRef target, DlparCommand command, boolean add, List<Integer> promisedCpus)
            throws HotplugException, SystemFileException {
        if (command.idType() != org.syshotplug.rtas.internal.dlpar.DlparIdType.DRC_COUNT) {
            throw HotplugException.veto(target, Errno.EINVAL, "CPUs are taken by index or by count, not by indexed-count");
        }
        Map<Long, String> nodes = partition.cpuNodes();
        List<Drc> drcs = partition.cpuDrcs();
        List<Drc> chosen = new ArrayList<>();
        if (add) {
            for (int i = drcs.size() - 1; i >= 0 && chosen.size() < command.count(); i--) {
                if (!nodes.containsKey(drcs.get(i).index())) {
                    chosen.add(drcs.get(i));
                }
            }
        } else {
            for (Drc d : drcs) {
                if (nodes.containsKey(d.index()) && chosen.size() < command.count()) {
                    chosen.add(d);
                }
            }
            if (chosen.size() >= nodes.size()) {
                throw HotplugException.veto(target, Errno.EINVAL, "Cannot remove all CPUs: " + nodes.size()
                        + " cores are configured and at least one must stay");
            }
        }
        if (chosen.size() < command.count()) {
            throw HotplugException.veto(target, Errno.EINVAL, "Failed to find enough CPUs (" + chosen.size() + " of "
                    + command.count() + ") to " + (add ? "add" : "remove"));
        }
        List<DeviceRef> out = new ArrayList<>();
        for (Drc d : chosen) {
            out.add(drcRef(d));
            out.addAll(cpusOf(target, d, add, promisedCpus));
        }
        return out;
    }

    private DynamicMemory requireDrmem(DeviceRef target) throws HotplugException {
        return partition.dynamicMemory().orElseThrow(() -> HotplugException.veto(target, Errno.ENODEV,
                "the device tree has no " + DynamicMemory.NODE + ": the partition offers no memory DLPAR"));
    }

    static DeviceRef drcRef(Drc drc) {
        return DeviceRef.of(DeviceRef.DRC, drc.indexHex());
    }

    static String resourceOf(Drc drc) {
        return drc.isCpu() ? "cpu" : drc.isMemory() ? "memory" : drc.type().toLowerCase(java.util.Locale.ROOT);
    }
}
