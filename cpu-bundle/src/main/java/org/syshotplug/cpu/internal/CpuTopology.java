package org.syshotplug.cpu.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
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

    private BitSet mask(String name) throws SystemFileException {
        return CpuList.parseMask(files.read(KernelPaths.child(KernelPaths.CPU_ROOT, name)));
    }

    /** Every CPU that has a {@code cpuN} directory, in id order. */
    List<Cpu> cpus() throws SystemFileException {
        SortedSet<Integer> ids = new TreeSet<>();
        for (String name : files.list(KernelPaths.CPU_ROOT)) {
            if (CPU_DIR.matcher(name).matches()) {
                ids.add(Integer.parseInt(name.substring(3)));
            }
        }
        BitSet present = mask("present");
        BitSet online = mask("online");
        List<Cpu> cpus = new ArrayList<>();
        for (int id : ids) {
            cpus.add(read(id, present, online));
        }
        return cpus;
    }

    /** A fresh reading for one handler call. */
    Reading reading() {
        return new Reading();
    }

    List<CpuhpState> states() throws SystemFileException {
        return CpuhpState.parseTable(files.read(STATES_TABLE));
    }

    private Cpu read(int id, BitSet present, BitSet onlineMask) throws SystemFileException {
        String onlineFile = KernelPaths.cpu(id, ONLINE);
        boolean hotpluggable = files.exists(onlineFile);
        boolean online = hotpluggable ? onlineValue(onlineFile) : onlineMask.get(id);
        return new Cpu(id, present.get(id), online, hotpluggable, node(id),
                number(KernelPaths.cpu(id, CPUHP_STATE)), number(KernelPaths.cpu(id, CPUHP_TARGET)));
    }

    /**
     * What one handler call reads of the CPUs: the {@code present} and {@code online} masks at most
     * once each, and only if the call needs them; per CPU only the files its decision rests on (the
     * inventory's node and cpuhp files are not read). With 1,024 CPUs re-reading the masks per CPU
     * made a request quadratic in the number of CPUs.
     */
    final class Reading {

        private BitSet present;
        private BitSet online;
        private List<CpuhpState> states;
        // The online file hotpluggable() read last, for the online() that follows for the same CPU.
        private int readId = -1;
        private String readPath;
        private String readValue;
        private SystemFileException readFailure;

        private Reading() {
        }

        /**
         * True if the CPU has an {@code online} file; the kernel leaves it out for CPUs that cannot go offline.
         * Answered by reading the file, not by an existence check: the {@link #online} that follows for the
         * same CPU takes that reading, so a handler call pays one file access instead of two (each costs a
         * path check and a real-path walk: measured on a live VM, about a sixth of a cold handler call).
         */
        boolean hotpluggable(int id) {
            String path = KernelPaths.cpu(id, ONLINE);
            readId = -1;
            try {
                readValue = files.readValue(path);
                readFailure = null;
            } catch (SystemFileException e) {
                // Anything but ENOENT is asked the old way, and a file that is there but unreadable fails at online().
                if (e.errno() == Errno.ENOENT || !files.exists(path)) {
                    return false;
                }
                readValue = null;
                readFailure = e;
            }
            readId = id;
            readPath = path;
            return true;
        }

        /** True if {@code cpuN} exists; a hot-pluggable CPU has proved it already by its online file. */
        boolean exists(int id, boolean hotpluggable) {
            return hotpluggable || files.isDirectory(KernelPaths.cpu(id));
        }

        boolean present(int id) throws SystemFileException {
            if (present == null) {
                present = mask("present");
            }
            return present.get(id);
        }

        /**
         * The CPU's own online file where it has one, else the online mask. The file is read afresh for
         * every handler call (the one read {@link #hotpluggable} made for this CPU just before, else now):
         * the execute handler decides its write and the undo it journals on it.
         */
        boolean online(int id, boolean hotpluggable) throws SystemFileException {
            if (!hotpluggable) {
                return onlineMask().get(id);
            }
            if (readId != id) {
                return onlineValue(KernelPaths.cpu(id, ONLINE));
            }
            // The reading hotpluggable() just made, used once: a second call reads the file again.
            readId = -1;
            if (readFailure != null) {
                throw readFailure;
            }
            return onlineValue(readPath, readValue);
        }

        /** The online mask as read by this call; the caller must not change it. */
        BitSet onlineMask() throws SystemFileException {
            if (online == null) {
                online = mask("online");
            }
            return online;
        }

        /** The cpuhp state number ({@code hotplug/state}), or null where not shown. */
        Integer cpuhpState(int id) throws SystemFileException {
            return number(KernelPaths.cpu(id, CPUHP_STATE));
        }

        List<CpuhpState> states() throws SystemFileException {
            if (states == null) {
                states = CpuTopology.this.states();
            }
            return states;
        }
    }

    /** The kernel prints exactly 0 or 1 (drivers/base/core.c online_show); anything else is not a state. */
    private boolean onlineValue(String path) throws SystemFileException {
        return onlineValue(path, files.readValue(path));
    }

    private static boolean onlineValue(String path, String value) throws SystemFileException {
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
