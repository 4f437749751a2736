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
        /** The errno offline_pages answers whatever the pages (a block with firmware holes: EINVAL). */
        Errno offlineRefused;
        /** valid_zones says {@code none}: the block spans more than one zone or has holes. */
        boolean noZone;

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
        d.readOnly("valid_zones", () -> validZones(blocks.get(id), id));
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

    /**
     * Boot memory the kernel cannot offline whatever the pages: {@code noZone} makes valid_zones
     * {@code none} (memory0 of the q35 guest: holes, two zones), {@code refused} is the errno offline
     * answers (EINVAL there, and for the last block below the PCI hole).
     */
    public void setBootQuirks(int id, boolean noZone, Errno refused) {
        Block b = blocks.get(id);
        b.noZone = noZone;
        b.offlineRefused = refused;
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
        onlineTo(id, how.equals("online_movable") ? Zone.MOVABLE
                : how.equals("online_kernel") ? kernelZone(id) : defaultZone(id));
    }

    /**
     * Onlines an offline block into {@code zone}. The first block onlined into an empty kernel zone
     * of its node gets the kernel's slab pages at once (they prefer the highest kernel zone), so it
     * can never be offlined again: run A step 19 and run C step 3 of the QEMU q35 captures.
     */
    private void onlineTo(int id, Zone zone) {
        Block b = blocks.get(id);
        if (zone == Zone.NORMAL && span(b.node, Zone.NORMAL) == null) {
            b.unmovable = true;
        }
        b.zone = zone;
        b.online = true;
    }

    private void offline(int id) throws KernelErrno {
        Block b = blocks.get(id);
        if (!b.online) {
            throw new KernelErrno(Errno.EINVAL, "memory" + id + " is already offline");
        }
        if (b.offlineRefused != null) {
            throw new KernelErrno(b.offlineRefused, "memory" + id + " cannot be offlined");
        }
        if (b.unmovable) {
            throw new KernelErrno(Errno.EBUSY, "memory" + id + " holds unmovable pages");
        }
        b.online = false;
        b.zone = null;
    }

    /** device_offline for a block: 1 when already offline, 0 when it went offline, else the errno. */
    public int deviceOffline(int id) throws KernelErrno {
        Block b = blocks.get(id);
        if (b == null || !b.online) {
            return 1;
        }
        offline(id);
        return 0;
    }

    /**
     * device_online for a block the kernel offlined for an eject it then abandoned:
     * memory_subsys_online onlines with MMOP_ONLINE, so the block goes to the zone
     * default_zone_for_pfn picks now (its old zone only if that zone still spans it).
     */
    public void onlineBack(int id) {
        Block b = blocks.get(id);
        if (b != null && !b.online) {
            onlineTo(id, defaultZone(id));
        }
    }

    /** An online block shows its zone; an offline one the default zone first, then the others allowed. */
    private String validZones(Block b, int id) {
        if (b.noZone) {
            return "none";
        }
        if (b.online) {
            return b.zone.label();
        }
        Zone first = defaultZone(id);
        StringBuilder out = new StringBuilder(first.label());
        for (Zone z : new Zone[] {kernelZone(id), Zone.MOVABLE}) {
            if (z != first && out.indexOf(z.label()) < 0) {
                out.append(' ').append(z.label());
            }
        }
        return out.toString();
    }

    /** The span of a node's zone as block ids [first, last] of its online blocks; null for an empty zone. */
    private int[] span(int node, Zone zone) {
        int[] span = null;
        for (Map.Entry<Integer, Block> e : blocks.entrySet()) {
            Block other = e.getValue();
            if (other.node == node && other.online && other.zone == zone) {
                span = span == null ? new int[] {e.getKey(), e.getKey()} : new int[] {span[0], e.getKey()};
            }
        }
        return span;
    }

    private boolean intersects(int node, Zone zone, int id) {
        int[] span = span(node, zone);
        return span != null && span[0] <= id && id <= span[1];
    }

    /** mm/memory_hotplug.c default_kernel_zone_for_pfn: the kernel zone whose span holds the block, else Normal. */
    private Zone kernelZone(int id) {
        int node = blocks.get(id).node;
        for (Zone z : new Zone[] {Zone.DMA32, Zone.NORMAL}) {
            if (intersects(node, z, id)) {
                return z;
            }
        }
        return Zone.NORMAL;
    }

    /**
     * Where plain {@code online} puts a block (mm/memory_hotplug.c default_zone_for_pfn): into the
     * kernel zone or ZONE_MOVABLE if exactly one of them spans the block, else ZONE_MOVABLE with
     * {@code movable_node}, else the kernel zone. A zone spans its node's online blocks from the
     * first to the last (the kernel shrinks a span only from its ends).
     */
    private Zone defaultZone(int id) {
        int node = blocks.get(id).node;
        Zone kernel = kernelZone(id);
        boolean inKernel = intersects(node, kernel, id);
        boolean inMovable = intersects(node, Zone.MOVABLE, id);
        if (inKernel ^ inMovable) {
            return inKernel ? kernel : Zone.MOVABLE;
        }
        return movableNode ? Zone.MOVABLE : kernel;
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
