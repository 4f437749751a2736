package org.syshotplug.acpi.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a small sysfs tree in a directory for tests, shaped like the kernel's: ACPI objects nested
 * under {@code /sys/devices/LNXSYSTM:00}, one link per object in {@code /sys/bus/acpi/devices}, and
 * {@code physical_node*} links to CPUs and memory blocks.
 */
final class SysTree {

    private final Path root;

    SysTree(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** Creates the object directory {@code /sys/devices/<devicePath>} and its bus link; returns its kernel path. */
    String object(String devicePath, String hid, String acpiPath) {
        String dir = "/sys/devices/" + devicePath;
        String name = devicePath.substring(devicePath.lastIndexOf('/') + 1);
        mkdirs(dir);
        if (hid != null) {
            file(dir + "/hid", hid + "\n");
        }
        file(dir + "/path", acpiPath + "\n");
        link("/sys/bus/acpi/devices/" + name, dir);
        return dir;
    }

    SysTree file(String path, String content) {
        try {
            Path p = at(path);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    SysTree mkdirs(String path) {
        try {
            Files.createDirectories(at(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** A relative symbolic link at {@code path} to the kernel path {@code target}, as sysfs makes them. */
    SysTree link(String path, String target) {
        try {
            Path p = at(path);
            Files.createDirectories(p.getParent());
            mkdirs(target);
            Files.createSymbolicLink(p, p.getParent().relativize(at(target)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /**
     * A machine with two boot CPUs outside any container, and container {@code ACPI0004:00}
     * ({@code \_SB_.CON0}, ejectable) holding processors ACPI0007:02/03 (CPUs 2 and 3) and memory
     * device PNP0C80:00 (blocks 8-11); hot-plug profiles processor, memory and container enabled.
     */
    static SysTree containerMachine(Path dir) {
        SysTree t = new SysTree(dir);
        t.object("LNXSYSTM:00", "LNXSYSTM", "\\");
        String sb = t.object("LNXSYSTM:00/LNXSYBUS:00", "LNXSYBUS", "\\_SB_");
        for (int cpu = 0; cpu < 2; cpu++) {
            String p = t.object("LNXSYSTM:00/LNXSYBUS:00/ACPI0007:0" + cpu, "ACPI0007", "\\_SB_.CP0" + cpu);
            t.file(p + "/status", "15\n").link(p + "/physical_node", "/sys/devices/system/cpu/cpu" + cpu);
        }
        String con = t.object("LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00", "ACPI0004", "\\_SB_.CON0");
        t.file(con + "/status", "15\n").file(con + "/eject", "");
        for (int cpu = 2; cpu < 4; cpu++) {
            String p = t.object("LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/ACPI0007:0" + cpu, "ACPI0007",
                    "\\_SB_.CON0.CP0" + cpu);
            t.file(p + "/status", "15\n").link(p + "/physical_node", "/sys/devices/system/cpu/cpu" + cpu);
        }
        String mem = t.object("LNXSYSTM:00/LNXSYBUS:00/ACPI0004:00/PNP0C80:00", "PNP0C80", "\\_SB_.CON0.MEM0");
        t.file(mem + "/status", "15\n");
        for (int i = 0; i < 4; i++) {
            t.link(mem + "/physical_node" + (i == 0 ? "" : Integer.toString(i)), "/sys/devices/system/memory/memory" + (8 + i));
        }
        for (String profile : new String[] {"processor", "memory", "container"}) {
            t.file("/sys/firmware/acpi/hotplug/" + profile + "/enabled", "1\n");
        }
        return t;
    }

    private Path at(String kernelPath) {
        return root.resolve(kernelPath.substring(1));
    }
}
