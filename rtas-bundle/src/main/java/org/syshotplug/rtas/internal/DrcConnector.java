package org.syshotplug.rtas.internal;

import java.util.Optional;

import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.DlparIdType;
import org.syshotplug.rtas.internal.dlpar.DlparResource;
import org.syshotplug.rtas.internal.dlpar.KernelNumber;
import org.syshotplug.spi.HotplugException;

/**
 * Acquires and releases one DRC through the kernel's DLPAR entry point, as drmgr does: one
 * {@code write(2)} of {@code "<cpu|memory> add|remove index 0x..."} without a newline. On add the
 * kernel acquires the DRC (entity sense, allocation usable, unisolate), runs configure-connector,
 * attaches the node and onlines the device; on remove it offlines what is still online, isolates
 * and releases the DRC and detaches the node.
 */
final class DrcConnector {
    private final SystemFiles files;
    private final PseriesPartition partition;

    DrcConnector(SystemFiles files) {
        this.files = files;
        this.partition = new PseriesPartition(files);
    }

    PseriesPartition partition() {
        return partition;
    }

    DlparCommand command(DeviceRef drc, DlparAction action) throws HotplugException {
        long index;
        try {
            index = KernelNumber.parseU32(drc.id());
        } catch (KernelNumber.NotANumber e) {
            throw HotplugException.failure(drc, Errno.EINVAL, "DRC " + drc.id()
                    + " was not resolved to an index; the DLPAR resource handler must run first", null);
        }
        Optional<Drc> found = partition.byIndex(index);
        if (found.isEmpty()) {
            throw HotplugException.failure(drc, Errno.ENODEV, "DRC " + drc.id() + " is no longer in the device tree", null);
        }
        DlparResource resource = found.get().isCpu() ? DlparResource.CPU
                : found.get().isMemory() ? DlparResource.MEMORY : null;
        if (resource == null) {
            throw HotplugException.failure(drc, Errno.EOPNOTSUPP, "DRC " + found.get().name() + " is a "
                    + found.get().type() + " connector; the kernel takes cpu and memory only", null);
        }
        return DlparCommand.byIndex(resource, action, index);
    }

    /** Writes the command; the kernel's errno becomes the failure's errno. */
    void run(DeviceRef drc, DlparCommand command) throws HotplugException {
        try {
            files.write(KernelPaths.DLPAR, command.toSysfsString());
        } catch (SystemFileException e) {
            throw refused(drc, command, e);
        }
    }

    /** The failure for a command the kernel refused, naming the command, the errno and what it usually means. */
    static HotplugException refused(DeviceRef drc, DlparCommand command, SystemFileException e) {
        return HotplugException.failure(drc, e.errno(), "the kernel refused '" + command.toSysfsString() + "': "
                + e.errno().name() + " (" + e.errno().text() + ")" + advice(e.errno(), command.action()), e);
    }

    /**
     * True when the DRC a remove command names is released already: a memory LMB no longer assigned
     * to this partition, a core without a cpu node. Asking the kernel to remove it again would fail.
     */
    boolean released(DlparCommand remove) {
        if (remove.idType() != DlparIdType.DRC_INDEX) {
            return false;
        }
        return switch (remove.resource()) {
            case MEMORY -> partition.dynamicMemory().flatMap(m -> m.byDrcIndex(remove.index()))
                    .map(lmb -> !lmb.assigned()).orElse(false);
            case CPU -> !partition.cpuNodes().containsKey(remove.index());
            default -> false;
        };
    }

    private static String advice(Errno errno, DlparAction action) {
        return switch (errno) {
            case EPERM -> action == DlparAction.ADD
                    ? "; the DRC is not in the unusable state: the resource is already assigned or owned elsewhere"
                    : "; the DRC is not present";
            case EBUSY -> "; a device behind it could not be offlined (unmovable pages, or the last CPU)";
            case EINVAL -> "; the firmware refused the DRC (no resource behind it?) - see the kernel log";
            case EIO -> "; the firmware reported a hardware error";
            default -> "";
        };
    }
}
