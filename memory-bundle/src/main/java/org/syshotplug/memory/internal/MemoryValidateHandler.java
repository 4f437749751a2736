package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
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
 * Resolves {@code memory:*} (request parameter {@code size} or {@code range}) into blocks the way
 * chmem picks them, then checks the blocks: they exist, the zone asked for suits them, and a remove
 * takes only blocks that are online in ZONE_MOVABLE (overridable). A plain offline is not refused:
 * only the kernel knows whether a block empties, and it answers EBUSY when it does not.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.memory.validate", configurationPid = MemoryConfig.PID)
@Designate(ocd = MemoryMetatype.class)
@HotplugHandlerRegistration(phase = "validate", priority = HandlerProperties.MEMORY, devices = DeviceRef.MEMORY)
public class MemoryValidateHandler implements HotplugHandler {

    static final String SIZE = "size";
    static final String RANGE = "range";
    static final String ZONE = "zone";

    /** The hot-add policy when nobody configured one: keep hot-added DIMMs removable. */
    static final HotAddConfig MOVABLE_HOT_ADD = hotAdd("movable");

    private final MemoryTopology topology;
    private volatile MemoryConfig config;
    private volatile HotAddConfig hotAdd;

    /** With the default hot-add policy ({@code movable}). */
    public MemoryValidateHandler(SystemFiles files, MemoryConfig config) {
        this(files, config, MOVABLE_HOT_ADD);
    }

    @Activate
    public MemoryValidateHandler(@Reference(name = "files") SystemFiles files, MemoryConfig config, HotAddConfig hotAdd) {
        this.topology = new MemoryTopology(files);
        this.config = config;
        this.hotAdd = hotAdd;
    }

    @Modified
    void modified(MemoryConfig newConfig, HotAddConfig newHotAdd) {
        this.config = newConfig;
        this.hotAdd = newHotAdd;
    }

    static HotAddConfig hotAdd(String zone) {
        return new HotAddConfig() {
            @Override
            public String hotAddZone() {
                return zone;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return HotAddConfig.class;
            }
        };
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        Operation operation = context.request().operation();
        try {
            for (DeviceRef device : List.copyOf(context.devices(DeviceRef.MEMORY))) {
                if (device.isWildcard()) {
                    resolve(context, device, operation.isBringUp());
                }
            }
            ZoneChoice zone = operation.isBringUp() ? ZoneChoice.of(context, config, hotAdd) : null;
            for (DeviceRef device : context.devices(DeviceRef.MEMORY)) {
                check(device, operation, zone);
            }
        } catch (SystemFileException e) {
            throw HotplugException.veto(null, e.errno(), "cannot read the memory blocks: " + e.getMessage());
        }
    }

    private void resolve(HandlerContext context, DeviceRef wildcard, boolean bringUp)
            throws SystemFileException, HotplugException {
        String size = context.request().parameter(SIZE);
        String range = context.request().parameter(RANGE);
        if ((size == null) == (range == null)) {
            throw HotplugException.veto(wildcard, Errno.EINVAL, "memory:* needs exactly one of the request parameters"
                    + " size (e.g. size=2G) or range (e.g. range=0x100000000-0x17fffffff) to choose blocks");
        }
        long blockSize = topology.blockSize();
        List<MemoryBlock> blocks = topology.blocks();
        if (context.request().operation() == Operation.REMOVE && config.removeMovableOnly() && !context.request().force()) {
            // Choose among the blocks the movable-only rule lets go, rather than pick one it then refuses.
            blocks = blocks.stream().filter(b -> !b.isOnline() || b.inMovableZone()).toList();
        }
        List<MemoryBlock> chosen;
        try {
            chosen = size != null
                    ? MemorySelection.bySize(blocks, MemorySize.parse(size, blockSize), blockSize, bringUp)
                    : MemorySelection.byRange(blocks, PhysicalRange.parse(range, blockSize));
        } catch (IllegalArgumentException e) {
            throw HotplugException.veto(wildcard, Errno.EINVAL, e.getMessage());
        }
        List<DeviceRef> refs = new ArrayList<>();
        chosen.forEach(b -> refs.add(DeviceRef.memory(b.id())));
        context.resolve(wildcard, refs);
    }

    private void check(DeviceRef device, Operation operation, ZoneChoice zone) throws SystemFileException, HotplugException {
        if (device.isWildcard()) {
            throw HotplugException.veto(device, Errno.EINVAL, "memory:* was not resolved into blocks");
        }
        int id = device.numericId();
        Optional<MemoryBlock> found = topology.block(id);
        if (found.isEmpty()) {
            if (operation == Operation.ADD) {
                // A hot-added DIMM's blocks appear when the firmware handlers run in execute.
                return;
            }
            throw HotplugException.veto(device, Errno.ENODEV, "no such memory block: " + KernelPaths.memoryBlock(id)
                    + " does not exist (see hotplug:lsmem)");
        }
        MemoryBlock block = found.get();
        // A zone the hot-add policy chose falls back per block (ZoneChoice.forBlock); one the request or
        // defaultOnlineZone names is refused here when the block cannot take it.
        if (zone != null && block.isOffline() && !zone.hotAdd() && !zone.zone().allowedBy(block.validZones())) {
            throw HotplugException.veto(device, Errno.EINVAL, "memory block " + id + " cannot be onlined with "
                    + zone.zone().word() + ": its valid zones are " + String.join(" ", block.validZones()));
        }
        if (operation == Operation.REMOVE && config.removeMovableOnly() && block.isOnline() && !block.inMovableZone()) {
            throw HotplugException.overridableVeto(device, describe(block) + " is online outside ZONE_MOVABLE: kernel"
                    + " allocations may sit in it and the kernel cannot promise to empty it (offline answers EBUSY), so"
                    + " removeMovableOnly (PID " + MemoryConfig.PID + ") refuses to remove it; use force to try anyway."
                    + " Online hot-added memory with online_movable (hotAddZone=movable) to keep it removable");
        }
    }

    /** {@code memory33 (zone Normal)} for an online block, {@code memory32 (valid zones Normal,Movable)} else. */
    static String describe(MemoryBlock block) {
        String zones = block.validZones().isEmpty() ? "unknown" : String.join(",", block.validZones());
        return "memory" + block.id() + (block.isOnline() ? " (zone " + zones + ")" : " (valid zones " + zones + ")");
    }
}
