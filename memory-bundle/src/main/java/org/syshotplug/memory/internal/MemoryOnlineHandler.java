package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
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
 * Onlines memory blocks into the chosen zone, or offlines them, through their {@code state} files.
 * Every write is planned in the step's {@link UndoLog} before the first one (one force for the whole
 * plan). A block the kernel refuses (EBUSY: pages it cannot migrate) fails the step, and the blocks
 * this step already changed are put back before the exception leaves, in reverse order; rollback —
 * also one rebuilt from the journal after a crash — puts offlined blocks back into the zone they
 * were in.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.memory.online", configurationPid = MemoryConfig.PID)
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.MEMORY, devices = DeviceRef.MEMORY)
public class MemoryOnlineHandler implements HotplugHandler {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryOnlineHandler.class);
    private static final Pattern STATE_FILE = Pattern.compile(Pattern.quote(KernelPaths.MEMORY_ROOT)
            + "/memory([0-9]{1,10})/" + MemoryTopology.STATE);

    /**
     * One block write this step will make (no file: the block is in the asked state already).
     *
     * @param word  what to write ({@code offline}, {@code online_movable}, ...)
     * @param block the block as read right before the writes
     */
    record Change(int id, String file, String word, String undo, String range, MemoryBlock block) {
    }

    private final SystemFiles files;
    private final MemoryTopology topology;
    private volatile MemoryConfig config;
    private volatile HotAddConfig hotAdd;

    /** With the default hot-add policy ({@code movable}). */
    public MemoryOnlineHandler(SystemFiles files, MemoryConfig config) {
        this(files, config, MemoryValidateHandler.MOVABLE_HOT_ADD);
    }

    @Activate
    public MemoryOnlineHandler(@Reference(name = "files") SystemFiles files, MemoryConfig config, HotAddConfig hotAdd) {
        this.files = files;
        this.topology = new MemoryTopology(files);
        this.config = config;
        this.hotAdd = hotAdd;
    }

    @Modified
    void modified(MemoryConfig newConfig, HotAddConfig newHotAdd) {
        this.config = newConfig;
        this.hotAdd = newHotAdd;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        boolean bringUp = context.request().operation().isBringUp();
        ZoneChoice zone = bringUp ? ZoneChoice.of(context, config, hotAdd) : null;
        List<DeviceRef> blocks = context.devices(DeviceRef.MEMORY);
        List<Change> plan = plan(blocks, zone);
        UndoLog undo = context.undo();
        for (Change change : plan) {
            if (change.file() != null) {
                undo.plan(change.file(), change.word(), change.undo());
            }
        }
        int done = 0;
        for (int i = 0; i < blocks.size(); i++) {
            DeviceRef device = blocks.get(i);
            Change change = plan.get(i);
            int id = change.id();
            if (context.expired()) {
                throw undoThenFail(undo, HotplugException.failure(device, Errno.ETIMEDOUT,
                        "the request deadline passed before memory block " + id + " was handled; the blocks changed"
                                + " so far were put back", null));
            }
            if (change.file() == null) {
                context.progress(device, ++done, blocks.size(), "memory block " + id + " already "
                        + change.block().state() + (change.block().isOnline() ? " (zone "
                        + String.join(",", change.block().validZones()) + ")" : ""));
                continue;
            }
            try {
                undo.write(files, change.file(), change.word(), change.undo());
            } catch (SystemFileException e) {
                throw undoThenFail(undo, HotplugException.failure(device, e.errno(), refusal(change, bringUp, e.errno()), e));
            }
            LOG.info("memory block {} {}", id, change.word());
            context.progress(device, ++done, blocks.size(), "memory block " + id + " " + change.word());
        }
        if (zone != null && zone.hotAdd() && !blocks.isEmpty()) {
            String note = hotAddNote(plan, zone);
            if (!note.isEmpty()) {
                LOG.info("request {}: {}", context.request().id(), note);
                context.progress(blocks.get(blocks.size() - 1), blocks.size(), blocks.size(), note);
            }
        }
    }

    /** {@code memory33 (zone Normal) refused to go offline: EBUSY (Device or resource busy); ...}. */
    private static String refusal(Change change, boolean bringUp, Errno errno) {
        return MemoryValidateHandler.describe(change.block()) + " refused to "
                + (bringUp ? "go online with '" + change.word() + "'" : "go offline") + ": " + errno.name() + " ("
                + errno.text() + ")" + advice(errno, bringUp) + " (block " + change.range() + ")";
    }

    /**
     * What the hot-add policy did, in one line: which blocks went to Movable (the DIMM stays removable),
     * to a kernel zone, or, where Movable was not among their valid zones, wherever plain online put them.
     */
    private String hotAddNote(List<Change> plan, ZoneChoice zone) {
        List<Integer> asAsked = new ArrayList<>();
        List<Integer> fellBack = new ArrayList<>();
        List<Integer> pinned = new ArrayList<>();
        for (Change c : plan) {
            if (c.file() == null) {
                if (c.block().isOnline() && !c.block().inMovableZone()) {
                    pinned.add(c.id());
                }
                continue;
            }
            (c.word().equals(zone.zone().word()) ? asAsked : fellBack).add(c.id());
        }
        List<String> parts = new ArrayList<>();
        if (!asAsked.isEmpty()) {
            parts.add(zone.zone() == OnlineZone.MOVABLE
                    ? fold(asAsked) + " onlined to Movable so the DIMM stays removable"
                    : fold(asAsked) + " onlined to a kernel zone (hotAddZone=" + zone.policy().word()
                            + "): kernel allocations may pin it, so the DIMM may not be removable again");
        }
        if (!fellBack.isEmpty()) {
            parts.add(fold(fellBack) + " onlined with plain online (now in zone " + zonesNow(fellBack) + "): "
                    + zone.zone().word() + " is not among its valid zones, so it may not be removable");
        }
        if (!pinned.isEmpty() && zone.zone() == OnlineZone.MOVABLE) {
            // The kernel onlined them on arrival (memhp_default_state / auto_online_blocks), not this step.
            parts.add(fold(pinned) + " already online in zone " + zonesNow(pinned) + ", where the kernel put it on"
                    + " arrival (memhp_default_state=online): the DIMM may not be removable; boot with"
                    + " memhp_default_state=offline or online_movable to keep hot-added memory removable");
        }
        return String.join("; ", parts);
    }

    private String zonesNow(List<Integer> ids) {
        List<String> zones = new ArrayList<>();
        for (int id : ids) {
            try {
                topology.block(id).ifPresent(b -> b.validZones().stream().filter(z -> !zones.contains(z)).forEach(zones::add));
            } catch (SystemFileException e) {
                LOG.debug("memory block {}: {}", id, e.getMessage());
            }
        }
        return zones.isEmpty() ? "unknown" : String.join(",", zones);
    }

    /** {@code memory32-33}, {@code memory32-33, memory40}: consecutive blocks folded. */
    static String fold(List<Integer> ids) {
        List<Integer> sorted = ids.stream().sorted().toList();
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            parts.add("memory" + sorted.get(i) + (j > i ? "-" + sorted.get(j) : ""));
            i = j + 1;
        }
        return String.join(", ", parts);
    }

    /** What each block needs, read right before the writes; a block that is not there fails the step with nothing written. */
    private List<Change> plan(List<DeviceRef> blocks, ZoneChoice zone) throws HotplugException {
        boolean bringUp = zone != null;
        List<Change> plan = new ArrayList<>(blocks.size());
        for (DeviceRef device : blocks) {
            if (device.isWildcard()) {
                throw HotplugException.failure(device, Errno.EINVAL,
                        "memory:* was not resolved into blocks; give size or range", null);
            }
            int id = device.numericId();
            MemoryBlock block;
            try {
                block = topology.block(id).orElse(null);
            } catch (SystemFileException e) {
                throw HotplugException.failure(device, e.errno(), "cannot read memory block " + id + ": "
                        + e.getMessage(), e);
            }
            if (block == null) {
                throw HotplugException.failure(device, Errno.ENODEV,
                        "no such memory block: " + KernelPaths.memoryBlock(id) + " does not exist", null);
            }
            String range = new PhysicalRange(block.start(), block.end()).toString();
            if (bringUp ? block.isOnline() : block.isOffline()) {
                plan.add(new Change(id, null, null, null, range, block));
            } else {
                plan.add(new Change(id, KernelPaths.memoryBlock(id, MemoryTopology.STATE),
                        bringUp ? zone.forBlock(block.validZones()).word() : MemoryBlock.OFFLINE,
                        bringUp ? MemoryBlock.OFFLINE : OnlineZone.restoring(block).word(), range, block));
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
     * Puts the blocks back in reverse order, going on past a failure so as much as possible is restored.
     * A block already back in place is skipped: {@code state_store} answers EINVAL for the state a block
     * is in, which after a crash (or an operator's own fix) is no reason to fail the rollback.
     */
    private HotplugException restore(UndoLog undo) {
        try {
            undo.restore((path, value) -> {
                int id = blockOf(path);
                if (alreadyBack(path, value)) {
                    LOG.info("memory block {} is already back ({})", id, value);
                    return;
                }
                files.write(path, value);
                LOG.info("memory block {} put back with {}", id, value);
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

    private boolean alreadyBack(String statePath, String word) {
        String state;
        try {
            state = files.readValue(statePath);
        } catch (SystemFileException e) {
            return false; // the write names what is wrong
        }
        return word.equals(MemoryBlock.OFFLINE) ? MemoryBlock.OFFLINE.equals(state) : MemoryBlock.ONLINE.equals(state);
    }

    private static HotplugException couldNotPutBack(SystemFileException e) {
        int block = blockOf(e.path());
        LOG.error("could not put memory block {} back: {}", block, e.getMessage());
        return HotplugException.failure(block < 0 ? null : DeviceRef.memory(block), e.errno(),
                "could not put memory block " + block + " back with '" + e.value() + "': " + e.getMessage(), e);
    }

    private static int blockOf(String path) {
        Matcher m = STATE_FILE.matcher(path == null ? "" : path);
        return m.matches() && m.group(1).length() < 10 ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String advice(Errno errno, boolean bringUp) {
        if (errno == Errno.EBUSY && !bringUp) {
            return "; it holds pages the kernel cannot migrate (kernel allocations), so it cannot be removed gracefully";
        }
        if (errno == Errno.EINVAL && bringUp) {
            return "; the zone may not suit the block (see valid_zones in hotplug:lsmem -o ZONES)";
        }
        return "";
    }
}
