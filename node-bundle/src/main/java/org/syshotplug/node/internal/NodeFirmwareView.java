package org.syshotplug.node.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * What the firmware says about the nodes, for display. On ACPI machines: the ejectable objects that
 * hold a node as a whole (what {@code remove node:N} ejects). On pseries: the node (primary
 * associativity domain) of every CPU core node, from its {@code ibm,associativity}, and of every
 * LMB, from {@code ibm,associativity-lookup-arrays}, at the depth the first cell of
 * {@code ibm,associativity-reference-points} names (arch/powerpc/mm/numa.c). The pseries view is
 * read-only: PAPR DLPAR adds and removes cores and LMBs, never a node as a whole.
 */
final class NodeFirmwareView {

    static final String DRCONF = KernelPaths.DEVICE_TREE + "/ibm,dynamic-reconfiguration-memory";
    static final String CPUS = KernelPaths.DEVICE_TREE + "/cpus";
    /** ibm,dynamic-memory flag: the LMB is assigned to this partition. */
    static final int DRCONF_MEM_ASSIGNED = 0x8;
    private static final int MAX_LMBS = 1 << 22;

    /** One primary domain as the pseries device tree shows it. */
    record Domain(int id, List<String> cores, int lmbs, int assignedLmbs) {
    }

    private final SystemFiles files;
    private final FirmwareObjects acpi;

    NodeFirmwareView(SystemFiles files) {
        this.files = files;
        this.acpi = new FirmwareObjects(files);
    }

    /** Per node, a short description of the firmware objects behind it (for the FIRMWARE column). */
    Map<Integer, String> objects(List<NumaNode> nodes) {
        Map<Integer, String> out = new TreeMap<>();
        try {
            if (acpi.present()) {
                for (NumaNode n : nodes) {
                    if (n.online() && n.hasDevices()) {
                        FirmwareObjects.Mapping m = acpi.forNode(n);
                        if (m.complete() && !m.objects().isEmpty()) {
                            out.put(n.id(), String.join(",", m.objects().stream().map(o -> o.name()).toList()));
                        }
                    }
                }
            } else if (pseries()) {
                for (Domain d : domains()) {
                    out.put(d.id(), "pseries domain " + d.id() + " (read-only)");
                }
            }
        } catch (SystemFileException | RuntimeException e) {
            // The column is a convenience: a firmware tree we cannot read leaves it empty.
        }
        return out;
    }

    boolean pseries() {
        return files.isDirectory(DRCONF) || files.isDirectory(CPUS) && files.exists(referencePointsPath());
    }

    /** The primary domains of the pseries device tree, by domain id. */
    List<Domain> domains() throws SystemFileException {
        int depth = primaryDepth();
        Map<Integer, List<String>> cores = new TreeMap<>();
        Map<Integer, int[]> lmbs = new TreeMap<>();
        if (files.isDirectory(CPUS)) {
            for (String name : files.list(CPUS)) {
                String dir = KernelPaths.child(CPUS, name);
                String assoc = KernelPaths.child(dir, "ibm,associativity");
                String type = KernelPaths.child(dir, "device_type");
                if (files.isDirectory(dir) && files.exists(type)
                        && new String(files.readBytes(type), java.nio.charset.StandardCharsets.US_ASCII)
                                .replace("\0", "").equals("cpu")) {
                    // No ibm,associativity (QEMU without -numa): the domain is unknown, Linux uses node 0.
                    int[] cells = files.exists(assoc) ? cells(files.readBytes(assoc)) : new int[0];
                    int domain = depth > 0 && depth < cells.length ? cells[depth] : -1;
                    cores.computeIfAbsent(domain, k -> new ArrayList<>()).add(name);
                }
            }
        }
        String lookupPath = DRCONF + "/ibm,associativity-lookup-arrays";
        if (files.exists(lookupPath)) {
            int[] lookup = cells(files.readBytes(lookupPath));
            int perArray = lookup.length > 1 ? lookup[1] : 0;
            for (int[] lmb : lmbEntries()) {
                int aa = lmb[0];
                // long: a hostile aa index or row length must not wrap around into a valid cell
                long at = 2L + (long) aa * perArray + depth - 1;
                int domain = depth > 0 && depth <= perArray && aa >= 0 && aa < lookup[0] && at >= 2 && at < lookup.length
                        ? lookup[(int) at] : -1;
                int[] counts = lmbs.computeIfAbsent(domain, k -> new int[2]);
                counts[0]++;
                if ((lmb[1] & DRCONF_MEM_ASSIGNED) != 0) {
                    counts[1]++;
                }
            }
        }
        TreeMap<Integer, Domain> out = new TreeMap<>();
        for (var e : cores.entrySet()) {
            out.put(e.getKey(), new Domain(e.getKey(), e.getValue(), 0, 0));
        }
        for (var e : lmbs.entrySet()) {
            Domain d = out.get(e.getKey());
            out.put(e.getKey(), new Domain(e.getKey(), d == null ? List.of() : d.cores(), e.getValue()[0],
                    e.getValue()[1]));
        }
        return new ArrayList<>(out.values());
    }

    /** The text block {@code hotplug:nodes} shows on pseries. */
    String pseriesReport() throws SystemFileException {
        TextTable t = new TextTable("DOMAIN", "CORES", "LMBS", "ASSIGNED", "CORE-NODES").right(0, 1, 2, 3);
        for (Domain d : domains()) {
            t.row(d.id() < 0 ? "?" : d.id(), d.cores().size(), d.lmbs(), d.assignedLmbs(),
                    d.cores().isEmpty() ? "-" : String.join(" ", d.cores()));
        }
        return "pseries firmware nodes (ibm,associativity at reference point " + primaryDepth() + "), read-only:"
                + " DLPAR adds and removes cores and LMBs, not whole nodes; domain ? = none given (Linux uses node 0)\n"
                + t;
    }

    private String referencePointsPath() {
        return KernelPaths.DEVICE_TREE + "/rtas/ibm,associativity-reference-points";
    }

    /** The first reference point: the index of the primary domain in an associativity array; -1 if none. */
    int primaryDepth() throws SystemFileException {
        for (String path : List.of(referencePointsPath(), KernelPaths.DEVICE_TREE + "/ibm,associativity-reference-points")) {
            if (files.exists(path)) {
                int[] refs = cells(files.readBytes(path));
                return refs.length > 0 ? refs[0] : -1;
            }
        }
        return -1;
    }

    /** Per LMB {aa_index, flags}, from ibm,dynamic-memory (v1) or ibm,dynamic-memory-v2. */
    private List<int[]> lmbEntries() throws SystemFileException {
        List<int[]> out = new ArrayList<>();
        String v1 = DRCONF + "/ibm,dynamic-memory";
        String v2 = DRCONF + "/ibm,dynamic-memory-v2";
        if (files.exists(v2)) {
            int[] c = cells(files.readBytes(v2));
            // set: sequential LMB count, base address (2 cells), first DRC index, aa index, flags
            for (int s = 0, at = 1; s < (c.length > 0 ? c[0] : 0) && at + 5 < c.length; s++, at += 6) {
                // A hostile count must not make us loop for ever: no machine has more LMBs than this.
                for (int i = 0; i < c[at] && out.size() < MAX_LMBS; i++) {
                    out.add(new int[] {c[at + 4], c[at + 5]});
                }
            }
        } else if (files.exists(v1)) {
            int[] c = cells(files.readBytes(v1));
            // entry: base address (2 cells), DRC index, reserved, aa index, flags
            for (int e = 0, at = 1; e < (c.length > 0 ? c[0] : 0) && at + 5 < c.length; e++, at += 6) {
                out.add(new int[] {c[at + 4], c[at + 5]});
            }
        }
        return out;
    }

    /** Big-endian 32-bit cells; a trailing partial cell is ignored. */
    static int[] cells(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int[] out = new int[bytes.length / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }
}
