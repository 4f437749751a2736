package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** Reads the CPUs from {@code /sys/devices/system/cpu} through {@link SystemFiles}. */
final class CpuTopology {

    static final String ONLINE = "online";
    static final String CPUHP_STATE = "hotplug/state";
    static final String CPUHP_TARGET = "hotplug/target";
    static final String STATES_TABLE = KernelPaths.CPU_ROOT + "/hotplug/states";

    private static final Pattern CPU_DIR = Pattern.compile("cpu(0|[1-9][0-9]{0,5})");
    private static final Pattern NODE_LINK = Pattern.compile("node(0|[1-9][0-9]{0,4})");

    private final SystemFiles files;

    CpuTopology(SystemFiles files) {
        this.files = files;
    }

    SortedSet<Integer> mask(String name) throws SystemFileException {
        return CpuList.parse(files.read(KernelPaths.child(KernelPaths.CPU_ROOT, name)));
    }

    SortedSet<Integer> onlineMask() throws SystemFileException {
        return mask("online");
    }

    /** Every CPU that has a {@code cpuN} directory, in id order. */
    List<Cpu> cpus() throws SystemFileException {
        SortedSet<Integer> ids = new TreeSet<>();
        for (String name : files.list(KernelPaths.CPU_ROOT)) {
            if (CPU_DIR.matcher(name).matches()) {
                ids.add(Integer.parseInt(name.substring(3)));
            }
        }
        SortedSet<Integer> present = mask("present");
        SortedSet<Integer> online = onlineMask();
        List<Cpu> cpus = new ArrayList<>();
        for (int id : ids) {
            cpus.add(read(id, present, online));
        }
        return cpus;
    }

    Optional<Cpu> cpu(int id) throws SystemFileException {
        if (!files.isDirectory(KernelPaths.cpu(id))) {
            return Optional.empty();
        }
        return Optional.of(read(id, mask("present"), onlineMask()));
    }

    List<CpuhpState> states() throws SystemFileException {
        return CpuhpState.parseTable(files.read(STATES_TABLE));
    }

    private Cpu read(int id, SortedSet<Integer> present, SortedSet<Integer> onlineMask) throws SystemFileException {
        String onlineFile = KernelPaths.cpu(id, ONLINE);
        boolean hotpluggable = files.exists(onlineFile);
        boolean online = hotpluggable ? onlineValue(onlineFile) : onlineMask.contains(id);
        return new Cpu(id, present.contains(id), online, hotpluggable, node(id),
                number(KernelPaths.cpu(id, CPUHP_STATE)), number(KernelPaths.cpu(id, CPUHP_TARGET)));
    }

    /** The kernel prints exactly 0 or 1 (drivers/base/core.c online_show); anything else is not a state. */
    private boolean onlineValue(String path) throws SystemFileException {
        String value = files.readValue(path);
        if (!value.equals("0") && !value.equals("1")) {
            throw new SystemFileException(Errno.EIO, path, null, "expected 0 or 1, read '"
                    + CpuList.printable(value) + "'", null);
        }
        return value.equals("1");
    }

    private Integer node(int id) throws SystemFileException {
        for (String name : files.list(KernelPaths.cpu(id))) {
            if (NODE_LINK.matcher(name).matches()) {
                return Integer.parseInt(name.substring(4));
            }
        }
        return null;
    }

    private Integer number(String path) throws SystemFileException {
        if (!files.exists(path)) {
            return null;
        }
        String value = files.readValue(path);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
