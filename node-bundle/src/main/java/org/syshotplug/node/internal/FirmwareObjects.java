package org.syshotplug.node.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * Which ejectable ACPI objects stand for a node. The kernel does not show {@code _PXM} in sysfs; it
 * used it to put each processor's CPU and each memory device's blocks into a node, and those show
 * as the objects' {@code physical_node*} links. So the objects for node N are the topmost ejectable
 * ones whose CPUs and blocks (their own and their children's) all belong to N: on a machine whose
 * node is one container, that container.
 */
final class FirmwareObjects {

    static final Set<String> CONTAINER_HIDS = Set.of("ACPI0004", "PNP0A05", "PNP0A06");

    private static final Pattern ACPI_NAME = Pattern.compile("[A-Za-z0-9_]{1,16}:[0-9A-Fa-f]{2,8}");
    private static final Pattern CPU = Pattern.compile(KernelPaths.CPU_ROOT + "/cpu(0|[1-9][0-9]{0,6})");
    private static final Pattern BLOCK = Pattern.compile(KernelPaths.MEMORY_ROOT + "/memory(0|[1-9][0-9]{0,8})");

    /** One ACPI device object: its kernel name, folder, whether it has {@code eject}, and the devices it provides. */
    record AcpiObject(String name, String folder, String hid, boolean ejectable, BitSet cpus, BitSet blocks) {
        DeviceRef ref() {
            return DeviceRef.of(hid != null && CONTAINER_HIDS.contains(hid) ? DeviceRef.CONTAINER : DeviceRef.ACPI, name);
        }
    }

    /** The objects chosen for a node, and the node's CPUs and blocks none of them provides. */
    record Mapping(List<AcpiObject> objects, BitSet uncoveredCpus, BitSet uncoveredBlocks) {
        boolean complete() {
            return uncoveredCpus.isEmpty() && uncoveredBlocks.isEmpty();
        }
    }

    private final SystemFiles files;

    FirmwareObjects(SystemFiles files) {
        this.files = files;
    }

    boolean present() {
        return files.isDirectory(KernelPaths.ACPI_DEVICES);
    }

    /** Every object in namespace order (parents before children), with its subtree's CPUs and blocks. */
    List<AcpiObject> read() throws SystemFileException {
        TreeMap<String, String[]> byFolder = new TreeMap<>();
        for (String name : files.list(KernelPaths.ACPI_DEVICES)) {
            if (ACPI_NAME.matcher(name).matches()) {
                String path = KernelPaths.acpiDevice(name);
                String hidPath = KernelPaths.acpiDevice(name, "hid");
                String hid = files.exists(hidPath) ? files.readValue(hidPath) : null;
                byFolder.put(files.readLink(path), new String[] {name, hid});
            }
        }
        List<AcpiObject> objects = new ArrayList<>();
        for (var e : byFolder.entrySet()) {
            String name = e.getValue()[0];
            BitSet cpus = new BitSet();
            BitSet blocks = new BitSet();
            // Children sort right after their parent: "<folder>/" is a prefix of theirs.
            for (var inner : byFolder.tailMap(e.getKey(), true).entrySet()) {
                if (!inner.getKey().equals(e.getKey()) && !inner.getKey().startsWith(e.getKey() + "/")) {
                    break;
                }
                physicalNodes(inner.getValue()[0], cpus, blocks);
            }
            boolean ejectable = files.exists(KernelPaths.acpiDevice(name, "eject"));
            objects.add(new AcpiObject(name, e.getKey(), e.getValue()[1], ejectable, cpus, blocks));
        }
        return objects;
    }

    /** The topmost ejectable objects whose devices all lie in {@code node}, and what they leave out. */
    Mapping forNode(NumaNode node) throws SystemFileException {
        List<AcpiObject> chosen = new ArrayList<>();
        BitSet cpus = node.cpus();
        BitSet blocks = node.blocks();
        for (AcpiObject o : read()) {
            boolean below = chosen.stream().anyMatch(c -> o.folder().startsWith(c.folder() + "/"));
            if (below || !o.ejectable() || o.cpus().isEmpty() && o.blocks().isEmpty()) {
                continue;
            }
            if (subset(o.cpus(), node.cpus()) && subset(o.blocks(), node.blocks())) {
                chosen.add(o);
                cpus.andNot(o.cpus());
                blocks.andNot(o.blocks());
            }
        }
        return new Mapping(chosen, cpus, blocks);
    }

    private void physicalNodes(String name, BitSet cpus, BitSet blocks) throws SystemFileException {
        String dir = KernelPaths.acpiDevice(name);
        for (String entry : files.list(dir)) {
            if (entry.startsWith("physical_node")) {
                String target = files.readLink(KernelPaths.child(dir, entry));
                Matcher c = CPU.matcher(target);
                Matcher m = BLOCK.matcher(target);
                if (c.matches()) {
                    cpus.set(Integer.parseInt(c.group(1)));
                } else if (m.matches()) {
                    blocks.set(Integer.parseInt(m.group(1)));
                }
            }
        }
    }

    private static boolean subset(BitSet a, BitSet b) {
        BitSet x = (BitSet) a.clone();
        x.andNot(b);
        return x.isEmpty();
    }
}
