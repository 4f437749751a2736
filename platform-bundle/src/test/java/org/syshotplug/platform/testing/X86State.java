package org.syshotplug.platform.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * What the differential compares after every step, read through {@link SystemFiles} the same way
 * on the real guest and on the simulator: CPU, memory-block and node masks and attributes, the
 * hot-plug ACPI objects (status, eject, physical_node links) and the firmware hot-plug profiles.
 */
public final class X86State {

    /** The ACPI objects that take part in CPU and memory hot-plug on QEMU's q35 machine. */
    private static final Pattern HOTPLUG_OBJECT = Pattern.compile("(LNXCPU|ACPI0010|ACPI0007|PNP0C80):[0-9a-f]{2}|PNP0A06:04");
    private static final Pattern CPU = Pattern.compile("cpu[0-9]+");
    private static final Pattern BLOCK = Pattern.compile("memory[0-9]+");
    private static final Pattern NODE = Pattern.compile("node[0-9]+");
    private static final Comparator<String> NUMERIC = Comparator.comparingInt(X86State::number);

    private X86State() {
    }

    public static SortedMap<String, String> read(SystemFiles f) throws SystemFileException {
        SortedMap<String, String> s = new TreeMap<>();
        for (String mask : List.of("possible", "present", "online", "offline")) {
            s.put("cpu." + mask, value(f, KernelPaths.CPU_ROOT + "/" + mask));
        }
        for (String cpu : names(f, KernelPaths.CPU_ROOT, CPU)) {
            String dir = KernelPaths.CPU_ROOT + "/" + cpu;
            s.put(cpu + ".online", value(f, dir + "/online"));
            s.put(cpu + ".firmware_node", link(f, dir + "/firmware_node"));
        }
        s.put("memory.block_size_bytes", value(f, KernelPaths.MEMORY_ROOT + "/block_size_bytes"));
        s.put("memory.auto_online_blocks", value(f, KernelPaths.MEMORY_ROOT + "/auto_online_blocks"));
        for (String block : names(f, KernelPaths.MEMORY_ROOT, BLOCK)) {
            String dir = KernelPaths.MEMORY_ROOT + "/" + block;
            for (String a : List.of("state", "valid_zones", "online", "removable", "phys_device")) {
                s.put(block + "." + a, value(f, dir + "/" + a));
            }
            s.put(block + ".node", String.join(",", names(f, dir, NODE)));
        }
        for (String mask : List.of("possible", "online", "has_cpu", "has_memory", "has_normal_memory")) {
            s.put("node." + mask, value(f, KernelPaths.NODE_ROOT + "/" + mask));
        }
        for (String node : names(f, KernelPaths.NODE_ROOT, NODE)) {
            String dir = KernelPaths.NODE_ROOT + "/" + node;
            s.put(node + ".cpulist", value(f, dir + "/cpulist"));
            s.put(node + ".memory", String.join(",", names(f, dir, BLOCK)));
        }
        for (String name : f.list(KernelPaths.ACPI_DEVICES)) {
            if (!HOTPLUG_OBJECT.matcher(name).matches()) {
                continue;
            }
            String dir = KernelPaths.ACPI_DEVICES + "/" + name;
            for (String a : List.of("hid", "path", "uid", "status")) {
                s.put("acpi." + name + "." + a, value(f, dir + "/" + a));
            }
            s.put("acpi." + name + ".eject", f.exists(dir + "/eject") ? "yes" : "no");
            List<String> physical = new ArrayList<>();
            for (String entry : f.list(dir)) {
                if (entry.startsWith("physical_node")) {
                    physical.add(entry + "->" + link(f, dir + "/" + entry));
                }
            }
            s.put("acpi." + name + ".physical", physical.isEmpty() ? "-" : String.join(",", physical));
        }
        for (String entry : f.list(KernelPaths.ACPI_HOTPLUG)) {
            String path = KernelPaths.ACPI_HOTPLUG + "/" + entry;
            s.put("acpi_hotplug." + entry, f.isDirectory(path) ? "enabled=" + value(f, path + "/enabled") : value(f, path));
        }
        return s;
    }

    /** A value, {@code -} when the file does not exist, {@code !ERRNO} when reading it fails. */
    private static String value(SystemFiles f, String path) {
        if (!f.exists(path)) {
            return "-";
        }
        try {
            return f.readValue(path);
        } catch (SystemFileException e) {
            return "!" + e.errno();
        }
    }

    private static String link(SystemFiles f, String path) {
        if (!f.exists(path)) {
            return "-";
        }
        try {
            String target = f.readLink(path);
            return target.startsWith("/sys/devices/") ? target.substring("/sys/devices/".length()) : target;
        } catch (SystemFileException e) {
            return "!" + e.errno();
        }
    }

    private static List<String> names(SystemFiles f, String dir, Pattern pattern) throws SystemFileException {
        return f.list(dir).stream().filter(n -> pattern.matcher(n).matches()).sorted(NUMERIC).toList();
    }

    private static int number(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return Integer.parseInt(name.substring(i));
    }
}
