package org.syshotplug.node.internal;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

/** The text views of the nodes: numactl -H's hardware report, and the node-state table. */
final class NodeReport {

    private NodeReport() {
    }

    /**
     * What {@code numactl -H} prints (numactl.c hardware() and print_distances()): the nodes libnuma
     * sees are the {@code nodeN} folders, i.e. the online nodes; sizes are meminfo's MemTotal and
     * MemFree in MiB; the node's CPUs are its cpumap (online CPUs).
     */
    static String hardware(List<NumaNode> nodes) {
        List<NumaNode> online = nodes.stream().filter(NumaNode::online).toList();
        BitSet ids = new BitSet();
        online.forEach(n -> ids.set(n.id()));
        StringBuilder b = new StringBuilder();
        b.append("available: ").append(online.size()).append(" nodes (").append(NodeList.format(ids)).append(")\n");
        for (NumaNode n : online) {
            String cpus = NodeList.spaced(n.onlineCpus());
            b.append("node ").append(n.id()).append(" cpus:").append(cpus.isEmpty() ? "" : " " + cpus).append('\n');
            b.append("node ").append(n.id()).append(" size: ").append(mib(n.memTotalKb())).append('\n');
            b.append("node ").append(n.id()).append(" free: ").append(mib(n.memFreeKb())).append('\n');
        }
        if (online.isEmpty() || online.get(0).distances().isEmpty()) {
            return b.append("No distance information available.\n").toString();
        }
        b.append("node distances:\n").append("node ");
        online.forEach(n -> b.append(String.format("% 3d ", n.id())));
        b.append('\n');
        for (NumaNode n : online) {
            b.append(String.format("% 3d: ", n.id()));
            for (int k = 0; k < online.size(); k++) {
                b.append(String.format("% 3d ", k < n.distances().size() ? n.distances().get(k) : 0));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** One row per possible node: state, CPUs, blocks, memory, the node-state masks and the firmware object. */
    static String table(List<NumaNode> nodes, Map<Integer, String> firmware) {
        TextTable t = new TextTable("NODE", "STATE", "CPUS", "ONLINE-CPUS", "BLOCKS", "MEMORY", "FREE", "HAS_CPU",
                "HAS_MEMORY", "NORMAL", "FIRMWARE").right(0, 5, 6);
        for (NumaNode n : nodes) {
            t.row(n.id(), n.online() ? "online" : "offline", dash(NodeList.format(n.cpus())),
                    dash(NodeList.format(n.onlineCpus())), dash(NodeList.format(n.blocks())), human(n.memTotalKb()),
                    human(n.memFreeKb()), yes(n.hasCpu()), yes(n.hasMemory()), yes(n.hasNormalMemory()),
                    firmware.getOrDefault(n.id(), "-"));
        }
        return t.toString();
    }

    static String mib(long kb) {
        return kb < 0 ? "<not available>" : (kb >> 10) + " MB";
    }

    /** KiB as lsmem prints sizes: the largest binary unit that keeps one decimal. */
    static String human(long kb) {
        if (kb < 0) {
            return "-";
        }
        String[] units = {"K", "M", "G", "T"};
        double v = kb;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return v == Math.rint(v) ? String.format("%d%s", (long) v, units[u]) : String.format("%.1f%s", v, units[u]);
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
