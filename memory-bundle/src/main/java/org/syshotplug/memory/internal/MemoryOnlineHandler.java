package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.List;
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

/**
 * Onlines memory blocks into the chosen zone, or offlines them, through their {@code state} files.
 * A block the kernel refuses (EBUSY: pages it cannot migrate) fails the step, and the blocks this
 * step already changed are put back before the exception leaves, in reverse order.
 */
@Component(service = HotplugHandler.class, name = "org.syshotplug.memory.online", configurationPid = MemoryConfig.PID)
@HotplugHandlerRegistration(phase = "execute", priority = HandlerProperties.MEMORY, devices = DeviceRef.MEMORY)
public class MemoryOnlineHandler implements HotplugHandler {

    /** The attribute holding what this request changed: the blocks and the word that undoes each. */
    static final String CHANGED = "memory.changed";
    /** The same as text ({@code block:word,...}), journaled before each write, for a rollback after a crash. */
    static final String UNDO = "memory.undo";

    private static final Logger LOG = LoggerFactory.getLogger(MemoryOnlineHandler.class);

    /** One block this request changed and the {@code state} word that puts it back. */
    record Change(int block, String undo) {
    }

    private final MemoryTopology topology;
    private volatile MemoryConfig config;

    @Activate
    public MemoryOnlineHandler(@Reference(name = "files") SystemFiles files, MemoryConfig config) {
        this.topology = new MemoryTopology(files);
        this.config = config;
    }

    @Modified
    void modified(MemoryConfig newConfig) {
        this.config = newConfig;
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        boolean bringUp = context.request().operation().isBringUp();
        String word = bringUp ? MemoryValidateHandler.zone(context, config).word() : MemoryBlock.OFFLINE;
        List<DeviceRef> blocks = context.devices(DeviceRef.MEMORY);
        List<Change> changed = new ArrayList<>();
        context.attributes().put(CHANGED, changed);
        int done = 0;
        for (DeviceRef device : blocks) {
            if (device.isWildcard()) {
                throw undoThenFail(changed, HotplugException.failure(device, Errno.EINVAL,
                        "memory:* was not resolved into blocks; give size or range", null));
            }
            int id = device.numericId();
            if (context.expired()) {
                throw undoThenFail(changed, HotplugException.failure(device, Errno.ETIMEDOUT,
                        "the request deadline passed before memory block " + id + " was handled; the blocks changed"
                                + " so far were put back", null));
            }
            String range = "";
            try {
                MemoryBlock block = topology.block(id).orElse(null);
                if (block == null) {
                    throw undoThenFail(changed, HotplugException.failure(device, Errno.ENODEV,
                            "no such memory block: " + KernelPaths.memoryBlock(id) + " does not exist", null));
                }
                range = " (" + new PhysicalRange(block.start(), block.end()) + ")";
                if (bringUp ? block.isOnline() : block.isOffline()) {
                    context.progress(device, ++done, blocks.size(), "memory block " + id + " already " + block.state());
                    continue;
                }
                String undo = bringUp ? MemoryBlock.OFFLINE : OnlineZone.restoring(block).word();
                writeAhead(context, changed, new Change(id, undo));
                topology.writeState(id, word);
                changed.add(new Change(id, undo));
            } catch (SystemFileException e) {
                throw undoThenFail(changed, HotplugException.failure(device, e.errno(),
                        "the kernel refused to " + (bringUp ? "online" : "offline") + " memory block " + id + range
                                + " with '" + word + "': " + e.errno().name() + " (" + e.errno().text() + ")"
                                + advice(e.errno(), bringUp), e));
            }
            LOG.info("memory block {} {}", id, word);
            context.progress(device, ++done, blocks.size(), "memory block " + id + " " + word);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void rollback(HandlerContext context) throws HotplugException {
        Object changed = context.attributes().get(CHANGED);
        if (!(changed instanceof List<?>) && context.attributes().get(UNDO) instanceof String text) {
            // After a restart only the journaled text is left: blocks already back in place are skipped
            // (state_store answers EINVAL for the state a block is in).
            changed = pending(parseUndo(text));
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
            b.append(b.length() == 0 ? "" : ",").append(c.block()).append(':').append(c.undo());
        }
        context.attributes().put(UNDO, b.toString());
    }

    private static List<Change> parseUndo(String text) {
        List<Change> out = new ArrayList<>();
        for (String entry : text.split(",")) {
            String[] f = entry.split(":");
            if (f.length == 2 && f[0].matches("[0-9]{1,9}") && f[1].matches("offline|online|online_kernel|online_movable")) {
                out.add(new Change(Integer.parseInt(f[0]), f[1]));
            }
        }
        return out;
    }

    private List<Change> pending(List<Change> changes) {
        List<Change> out = new ArrayList<>();
        for (Change c : changes) {
            MemoryBlock block;
            try {
                block = topology.block(c.block()).orElse(null);
            } catch (SystemFileException e) {
                out.add(c);
                continue;
            }
            boolean wantOffline = c.undo().equals(MemoryBlock.OFFLINE);
            if (block != null && (wantOffline ? !block.isOffline() : !block.isOnline())) {
                out.add(c);
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

    /** Puts the blocks back in reverse order, going on past a failure so as much as possible is restored. */
    private HotplugException restore(List<Change> changed) {
        HotplugException first = null;
        for (int i = changed.size() - 1; i >= 0; i--) {
            Change change = changed.get(i);
            try {
                topology.writeState(change.block(), change.undo());
                LOG.info("memory block {} put back with {}", change.block(), change.undo());
            } catch (SystemFileException e) {
                LOG.error("could not put memory block {} back: {}", change.block(), e.getMessage());
                HotplugException f = HotplugException.failure(DeviceRef.memory(change.block()), e.errno(),
                        "could not put memory block " + change.block() + " back with '" + change.undo() + "': "
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
