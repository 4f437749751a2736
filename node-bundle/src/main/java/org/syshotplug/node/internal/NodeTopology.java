package org.syshotplug.node.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * Reads {@code /sys/devices/system/node}: the node-state masks and, per online node, its CPU list,
 * its {@code cpuN}/{@code memoryN} links and the totals of its {@code meminfo}. Every read is fresh.
 */
final class NodeTopology {

    static final String POSSIBLE = "possible";
    static final String ONLINE = "online";
    static final String HAS_CPU = "has_cpu";
    static final String HAS_MEMORY = "has_memory";
    static final String HAS_NORMAL_MEMORY = "has_normal_memory";
    /** Linux numbers the CPU it booted on 0 on every architecture. */
    static final int BOOT_CPU = 0;

    private static final Pattern CPU_LINK = Pattern.compile("cpu(0|[1-9][0-9]{0,6})");
    private static final Pattern MEMORY_LINK = Pattern.compile("memory(0|[1-9][0-9]{0,8})");
    private static final Pattern MEMINFO = Pattern.compile("Node\\s+\\d+\\s+(\\S+):\\s+(\\d+)(\\s+kB)?");

    private final SystemFiles files;

    NodeTopology(SystemFiles files) {
        this.files = files;
    }

    /** False on a kernel without NUMA sysfs (CONFIG_NUMA off) or a machine model without it. */
    boolean present() {
        return files.isDirectory(KernelPaths.NODE_ROOT);
    }

    BitSet mask(String name) throws SystemFileException {
        return parse(KernelPaths.NODE_ROOT + "/" + name);
    }

    /** Every possible node, in id order; offline ones carry only their id. */
    List<NumaNode> nodes() throws SystemFileException {
        BitSet possible = mask(POSSIBLE);
        BitSet online = mask(ONLINE);
        BitSet hasCpu = mask(HAS_CPU);
        BitSet hasMemory = mask(HAS_MEMORY);
        BitSet hasNormal = mask(HAS_NORMAL_MEMORY);
        List<NumaNode> out = new ArrayList<>();
        for (int n = possible.nextSetBit(0); n >= 0; n = possible.nextSetBit(n + 1)) {
            out.add(read(n, online, hasCpu, hasMemory, hasNormal));
        }
        return out;
    }

    Optional<NumaNode> node(int id) throws SystemFileException {
        BitSet possible = mask(POSSIBLE);
        if (!possible.get(id)) {
            return Optional.empty();
        }
        return Optional.of(read(id, mask(ONLINE), mask(HAS_CPU), mask(HAS_MEMORY), mask(HAS_NORMAL_MEMORY)));
    }

    private NumaNode read(int n, BitSet online, BitSet hasCpu, BitSet hasMemory, BitSet hasNormal)
            throws SystemFileException {
        String dir = KernelPaths.node(n);
        BitSet cpus = new BitSet();
        BitSet blocks = new BitSet();
        BitSet onlineCpus = new BitSet();
        long total = -1;
        long free = -1;
        List<Integer> distances = new ArrayList<>();
        // The folder exists exactly while the node is online (register_one_node / unregister_one_node).
        if (online.get(n) && files.isDirectory(dir)) {
            for (String name : files.list(dir)) {
                Matcher c = CPU_LINK.matcher(name);
                Matcher m = MEMORY_LINK.matcher(name);
                if (c.matches()) {
                    cpus.set(Integer.parseInt(c.group(1)));
                } else if (m.matches()) {
                    blocks.set(Integer.parseInt(m.group(1)));
                }
            }
            onlineCpus = parse(dir + "/cpulist");
            String meminfo = KernelPaths.child(dir, "meminfo");
            if (files.exists(meminfo)) {
                for (String line : files.read(meminfo).split("\n")) {
                    Matcher m = MEMINFO.matcher(line.strip());
                    if (m.matches() && m.group(1).equals("MemTotal")) {
                        total = Long.parseLong(m.group(2));
                    } else if (m.matches() && m.group(1).equals("MemFree")) {
                        free = Long.parseLong(m.group(2));
                    }
                }
            }
            String distance = KernelPaths.child(dir, "distance");
            if (files.exists(distance)) {
                for (String d : files.readValue(distance).split("\\s+")) {
                    if (!d.isEmpty()) {
                        distances.add(Integer.parseInt(d));
                    }
                }
            }
        }
        return new NumaNode(n, online.get(n), hasCpu.get(n), hasMemory.get(n), hasNormal.get(n), cpus, onlineCpus,
                blocks, total, free, distances);
    }

    /** The node holding the boot CPU, or -1 if no online node lists it. */
    int bootNode(List<NumaNode> nodes) {
        for (NumaNode n : nodes) {
            if (n.cpus().get(BOOT_CPU)) {
                return n.id();
            }
        }
        return -1;
    }

    /** {@code memoryN/valid_zones}: the zone an online block is in. */
    String zoneOf(int block) throws SystemFileException {
        return files.readValue(KernelPaths.memoryBlock(block, "valid_zones"));
    }

    boolean blockOnline(int block) throws SystemFileException {
        return "online".equals(files.readValue(KernelPaths.memoryBlock(block, "state")));
    }

    /** The legacy {@code removable} attribute; absent counts as removable (new kernels always say 1). */
    boolean blockRemovable(int block) throws SystemFileException {
        String path = KernelPaths.memoryBlock(block, "removable");
        return !files.exists(path) || !"0".equals(files.readValue(path));
    }

    private BitSet parse(String path) throws SystemFileException {
        String text = files.readValue(path);
        try {
            return NodeList.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(path + " reads '" + text + "': " + e.getMessage(), e);
        }
    }
}
