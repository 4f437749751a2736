package org.syshotplug.platform.internal.sim;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntUnaryOperator;
import org.syshotplug.api.Errno;

/**
 * {@code /sys/devices/system/memory} as drivers/base/memory.c shows it: {@code block_size_bytes}
 * (hex without 0x), {@code auto_online_blocks}, {@code probe}, and per block {@code state},
 * {@code online}, {@code phys_index} ({@code %08x}), {@code phys_device}, {@code removable},
 * {@code valid_zones} and the {@code nodeN} link. Must be driven under the tree lock.
 */
public final class SimMemory {

    public static final String ROOT = "/sys/devices/system/memory";
    /** The words state_store and auto_online_blocks accept (mm/memory_hotplug.c online_type_to_str). */
    public static final List<String> ONLINE_TYPES = List.of("offline", "online", "online_kernel", "online_movable");

    /** A zone a block can be onlined to, named as valid_zones prints it. */
    public enum Zone {
        DMA32("DMA32"), NORMAL("Normal"), MOVABLE("Movable");

        private final String label;

        Zone(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private static final class Block {
        final int node;
        boolean online;
        Zone zone;
        boolean unmovable;

        Block(int node, boolean online, Zone zone) {
            this.node = node;
            this.online = online;
            this.zone = zone;
        }
    }

    private final SysfsTree tree;
    private final SimNodes nodes;
    private final long blockSize;
    private final IntUnaryOperator nodeOf;
    private final Map<Integer, Block> blocks = new TreeMap<>();
    private String autoOnline;
    private boolean movableNode;

    /**
     * @param probe whether the {@code probe} file exists (CONFIG_ARCH_MEMORY_PROBE)
     * @param nodeOf the node a block id belongs to
     */
    public SimMemory(SysfsTree tree, SimNodes nodes, long blockSizeBytes, String autoOnlineBlocks, boolean probe,
            IntUnaryOperator nodeOf) {
        this.tree = tree;
        this.nodes = nodes;
        this.blockSize = blockSizeBytes;
        this.nodeOf = nodeOf;
        this.autoOnline = autoOnlineBlocks;
        SimDirectory root = tree.dir(ROOT);
        root.constant("block_size_bytes", Long.toHexString(blockSizeBytes));
        root.readWrite("auto_online_blocks", () -> autoOnline, v -> {
            String word = onlineType(v);
            autoOnline = word;
        });
        if (probe) {
            root.writeOnly("probe", this::storeProbe);
        }
        if (nodes != null) {
            nodes.memorySource(n -> blocks.values().stream().anyMatch(b -> b.node == n && b.online),
                    n -> blocks.values().stream().anyMatch(b -> b.node == n && b.online && b.zone != Zone.MOVABLE),
                    n -> blockSize * blocks.values().stream().filter(b -> b.node == n && b.online).count());
        }
        tree.register(SimMemory.class, this);
    }

    public long blockSizeBytes() {
        return blockSize;
    }

    public static String blockPath(int id) {
        return ROOT + "/memory" + id;
    }

    /** Adds block {@code id} (boot memory online in {@code zone}, hot-added memory offline). */
    public void addBlock(int id, boolean online, Zone zone) {
        int node = nodeOf.applyAsInt(id);
        blocks.put(id, new Block(node, online, online ? zone : null));
        SimDirectory d = tree.dir(blockPath(id));
        d.readWrite("state", () -> blocks.get(id).online ? "online" : "offline", v -> storeState(id, v));
        d.readWrite("online", () -> blocks.get(id).online ? "1" : "0", v -> storeOnline(id, v));
        String hex = Integer.toHexString(id);
        d.constant("phys_index", "00000000".substring(Math.min(8, hex.length())) + hex);
        d.constant("phys_device", "0");
        d.constant("removable", "1");
        d.readOnly("valid_zones", () -> validZones(blocks.get(id)));
        if (nodes != null) {
            d.link("node" + node, SimNodes.nodePath(node));
            nodes.linkDevice(node, "memory" + id, blockPath(id));
        }
    }

    /** Hot-added memory: the new block is onlined as auto_online_blocks says. */
    public void hotAddBlock(int id) {
        addBlock(id, false, null);
        if (!"offline".equals(autoOnline)) {
            try {
                online(id, autoOnline);
            } catch (KernelErrno e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Removes an offline block (ACPI eject, DLPAR remove): EBUSY while it is online. */
    public void removeBlock(int id) throws KernelErrno {
        Block b = blocks.get(id);
        if (b == null) {
            return;
        }
        if (b.online) {
            throw new KernelErrno(Errno.EBUSY, "memory" + id + " is online");
        }
        blocks.remove(id);
        tree.dir(ROOT).remove("memory" + id);
        if (nodes != null) {
            nodes.unlinkDevice(b.node, "memory" + id);
        }
    }

    public boolean exists(int id) {
        return blocks.containsKey(id);
    }

    public boolean isOnline(int id) {
        Block b = blocks.get(id);
        return b != null && b.online;
    }

    public BitSet blockIds() {
        BitSet s = new BitSet();
        blocks.keySet().forEach(s::set);
        return s;
    }

    /** Marks a block as holding unmovable pages: offlining it answers EBUSY. */
    public void setUnmovable(int id, boolean unmovable) {
        Block b = blocks.get(id);
        if (b == null) {
            throw new IllegalArgumentException("no memory block " + id);
        }
        b.unmovable = unmovable;
    }

    /** state_store: an unknown word, or the state the block is already in, is EINVAL. */
    private void storeState(int id, String value) throws KernelErrno {
        String word = onlineType(value);
        if (word.equals("offline")) {
            offline(id);
        } else {
            online(id, word);
        }
    }

    /** The generic online attribute: kstrtobool; already there is success. */
    private void storeOnline(int id, String value) throws KernelErrno {
        boolean up = KernelText.kstrtobool(value);
        Block b = blocks.get(id);
        if (up == b.online) {
            return;
        }
        if (up) {
            online(id, "online");
        } else {
            offline(id);
        }
    }

    private void online(int id, String how) throws KernelErrno {
        Block b = blocks.get(id);
        if (b.online) {
            throw new KernelErrno(Errno.EINVAL, "memory" + id + " is already online");
        }
        b.zone = how.equals("online_movable") ? Zone.MOVABLE
                : how.equals("online_kernel") ? Zone.NORMAL : defaultZone(b.node);
        b.online = true;
    }

    private void offline(int id) throws KernelErrno {
        Block b = blocks.get(id);
        if (!b.online) {
            throw new KernelErrno(Errno.EINVAL, "memory" + id + " is already offline");
        }
        if (b.unmovable) {
            throw new KernelErrno(Errno.EBUSY, "memory" + id + " holds unmovable pages");
        }
        b.online = false;
        b.zone = null;
    }

    /** An online block shows its zone; an offline one the zones it may go to, the default first. */
    private String validZones(Block b) {
        if (b.online) {
            return b.zone.label();
        }
        return defaultZone(b.node) == Zone.MOVABLE ? Zone.MOVABLE.label() + " " + Zone.NORMAL.label()
                : Zone.NORMAL.label() + " " + Zone.MOVABLE.label();
    }

    /**
     * Where plain {@code online} puts a block (mm/memory_hotplug.c default_zone_for_pfn): next to the
     * node's online memory if that is all kernel or all movable, else ZONE_MOVABLE with
     * {@code movable_node}, else the kernel zone. (The simulator has no zone spans: the node's online
     * blocks stand for them.)
     */
    private Zone defaultZone(int node) {
        boolean inKernel = false;
        boolean inMovable = false;
        for (Block other : blocks.values()) {
            if (other.node == node && other.online) {
                inKernel |= other.zone != Zone.MOVABLE;
                inMovable |= other.zone == Zone.MOVABLE;
            }
        }
        if (inKernel ^ inMovable) {
            return inKernel ? Zone.NORMAL : Zone.MOVABLE;
        }
        return movableNode ? Zone.MOVABLE : Zone.NORMAL;
    }

    /** The {@code movable_node} boot option: memory of an emptied node comes back movable. */
    public void movableNode(boolean on) {
        movableNode = on;
    }

    /** probe_store: a physical address aligned to the block size; EEXIST if the block is there. */
    private void storeProbe(String value) throws KernelErrno {
        long address = KernelText.kstrtoullAuto(value);
        if ((address & (blockSize - 1)) != 0) {
            throw new KernelErrno(Errno.EINVAL, "address 0x" + Long.toHexString(address) + " is not block aligned");
        }
        long id = address / blockSize;
        if (id > Integer.MAX_VALUE) {
            throw new KernelErrno(Errno.EINVAL);
        }
        if (blocks.containsKey((int) id)) {
            throw new KernelErrno(Errno.EEXIST, "memory" + id + " exists");
        }
        hotAddBlock((int) id);
    }

    private static String onlineType(String value) throws KernelErrno {
        for (String w : ONLINE_TYPES) {
            if (KernelText.sysfsStreq(value, w)) {
                return w;
            }
        }
        throw new KernelErrno(Errno.EINVAL, "expected one of " + ONLINE_TYPES);
    }
}
