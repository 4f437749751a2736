package org.syshotplug.platform.internal.sim.pseries;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.internal.sim.KernelErrno;
import org.syshotplug.platform.internal.sim.KernelText;
import org.syshotplug.platform.internal.sim.SimAttribute;
import org.syshotplug.platform.internal.sim.SimCpus;
import org.syshotplug.platform.internal.sim.SimMemory;
import org.syshotplug.platform.internal.sim.SysfsTree;

/**
 * The Linux 6.1 pseries DLPAR code (arch/powerpc/platforms/pseries/dlpar.c, hotplug-cpu.c,
 * hotplug-memory.c) over the simulated hypervisor's DRCs: the {@code /sys/kernel/dlpar} parser,
 * the CPU and memory flows with their errnos, rollbacks and kernel messages, and the device-tree
 * updates that follow. Runs under the tree lock (the sysfs store and the hypervisor events take it),
 * as the kernel serializes DLPAR with {@code lock_device_hotplug()}.
 */
public final class PseriesKernel {
    static final int EPERM_RAW = -1;
    private static final int EINVAL = -22;
    private static final int EBUSY = -16;
    private static final int ENODEV = -19;
    private static final int EIO = -5;
    static final long DRCONF_ASSIGNED = 0x08;
    static final long DRCONF_DRC_INVALID = 0x20;
    static final long DRCONF_RESERVED = 0x80;
    static final long DRCONF_HOTREMOVABLE = 0x100;
    static final long NO_AA = 0xFFFF_FFFFL;
    private static final int RESOURCE_CPU = 1;
    private static final int RESOURCE_MEM = 2;
    private static final int ACTION_ADD = 1;
    private static final int ACTION_REMOVE = 2;
    private static final int ID_INDEX = 2;
    private static final int ID_COUNT = 3;
    private static final int ID_IC = 4;

    /** One entry of the kernel's {@code drmem_info->lmbs}. */
    static final class Lmb {
        final long base;
        final PapDrc drc;
        long aaIndex;
        long flags;

        Lmb(long base, PapDrc drc, long aaIndex, long flags) {
            this.base = base;
            this.drc = drc;
            this.aaIndex = aaIndex;
            this.flags = flags;
        }

        long drcIndex() {
            return drc == null ? 0 : drc.index;
        }

        boolean assigned() {
            return (flags & DRCONF_ASSIGNED) != 0;
        }

        boolean removable() {
            return assigned() && (flags & DRCONF_RESERVED) == 0;
        }
    }

    /** A configured CPU node: {@code /cpus/PowerPC,POWER9@<hw>} and the logical CPUs of its threads. */
    record CoreNode(long drcIndex, int hwBase, int[] logical) {
    }

    private final SysfsTree tree;
    private final SimCpus cpus;
    private final SimMemory memory;
    private final PseriesDeviceTree dt;
    private final List<PapDrc> cpuDrcs;
    private final List<Lmb> lmbs;
    private final Map<Long, CoreNode> cores = new LinkedHashMap<>();
    private final int threadsPerCore;
    private final long lmbSize;
    private final boolean strictLmbIsolation;
    private final List<String> kmsg = new ArrayList<>();

    PseriesKernel(SysfsTree tree, SimCpus cpus, SimMemory memory, PseriesDeviceTree dt, List<PapDrc> cpuDrcs,
            List<Lmb> lmbs, int threadsPerCore, long lmbSize, boolean strictLmbIsolation) {
        this.tree = tree;
        this.cpus = cpus;
        this.memory = memory;
        this.dt = dt;
        this.cpuDrcs = cpuDrcs;
        this.lmbs = lmbs;
        this.threadsPerCore = threadsPerCore;
        this.lmbSize = lmbSize;
        this.strictLmbIsolation = strictLmbIsolation;
    }

    // ---- what tests and the hypervisor side look at

    /** The kernel log lines since the last {@link #clearLog()}, without timestamps (as {@code dmesg -c} shows them). */
    public List<String> log() {
        return tree.locked(() -> List.copyOf(kmsg));
    }

    public void clearLog() {
        tree.locked(kmsg::clear);
    }

    List<Lmb> lmbs() {
        return Collections.unmodifiableList(lmbs);
    }

    List<PapDrc> cpuDrcs() {
        return Collections.unmodifiableList(cpuDrcs);
    }

    Map<Long, CoreNode> cores() {
        return Collections.unmodifiableMap(cores);
    }

    int threadsPerCore() {
        return threadsPerCore;
    }

    // ---- /sys/kernel/dlpar

    /** dlpar_store: parse, then handle_dlpar_errorlog; the errno of the write on failure. */
    void store(String buf) throws KernelErrno {
        if (buf.isEmpty()) {
            // sysfs_kf_write returns 0 for a 0-byte write before any store method runs.
            return;
        }
        int[] elog = new int[5]; // resource, action, id_type, first id, second id
        int rc = parse(buf, elog);
        if (rc == 0) {
            rc = handle(elog[0], elog[1], elog[2], Integer.toUnsignedLong(elog[3]), Integer.toUnsignedLong(elog[4]));
        }
        if (rc != 0) {
            pr("dlpar: Could not handle DLPAR request \"" + buf + "\"");
            throw new KernelErrno(rc == EPERM_RAW ? Errno.EPERM : Errno.ofCode(-rc));
        }
    }

    /** The strsep/sysfs_streq/kstrtou32 parser of dlpar_store, message for message. */
    private int parse(String buf, int[] elog) {
        String[] rest = {buf};
        String arg = strsep(rest);
        if (arg == null) {
            return EINVAL;
        }
        if (KernelText.sysfsStreq(arg, "memory")) {
            elog[0] = RESOURCE_MEM;
        } else if (KernelText.sysfsStreq(arg, "cpu")) {
            elog[0] = RESOURCE_CPU;
        } else {
            pr("dlpar: Invalid resource specified.");
            return EINVAL;
        }
        arg = strsep(rest);
        if (arg == null) {
            return EINVAL;
        }
        if (KernelText.sysfsStreq(arg, "add")) {
            elog[1] = ACTION_ADD;
        } else if (KernelText.sysfsStreq(arg, "remove")) {
            elog[1] = ACTION_REMOVE;
        } else {
            pr("dlpar: Invalid action specified.");
            return EINVAL;
        }
        arg = strsep(rest);
        if (arg == null) {
            return EINVAL;
        }
        if (KernelText.sysfsStreq(arg, "indexed-count")) {
            elog[2] = ID_IC;
            if (number(strsep(rest), elog, 3, "No DRC count specified.", "Invalid DRC count specified.") != 0) {
                return EINVAL;
            }
            return number(strsep(rest), elog, 4, "No DRC Index specified.", "Invalid DRC Index specified.");
        }
        if (KernelText.sysfsStreq(arg, "index")) {
            elog[2] = ID_INDEX;
            return number(strsep(rest), elog, 3, "No DRC Index specified.", "Invalid DRC Index specified.");
        }
        if (KernelText.sysfsStreq(arg, "count")) {
            elog[2] = ID_COUNT;
            return number(strsep(rest), elog, 3, "No DRC count specified.", "Invalid DRC count specified.");
        }
        pr("dlpar: Invalid id_type specified.");
        return EINVAL;
    }

    private int number(String arg, int[] elog, int slot, String missing, String invalid) {
        if (arg == null) {
            pr("dlpar: " + missing);
            return EINVAL;
        }
        long v = kstrtou32(arg);
        if (v < 0) {
            pr("dlpar: " + invalid);
            return EINVAL;
        }
        elog[slot] = (int) v;
        return 0;
    }

    private static String strsep(String[] rest) {
        String s = rest[0];
        if (s == null) {
            return null;
        }
        int sp = s.indexOf(' ');
        if (sp < 0) {
            rest[0] = null;
            return s;
        }
        rest[0] = s.substring(sp + 1);
        return s.substring(0, sp);
    }

    /** lib/kstrtox.c kstrtou32(s, 0): the value, or -1 when the kernel refuses the token. */
    static long kstrtou32(String token) {
        String s = token.startsWith("+") ? token.substring(1) : token;
        int radix = 10;
        int i = 0;
        if (s.startsWith("0")) {
            boolean hex = s.length() > 2 && (s.charAt(1) | 0x20) == 'x' && s.charAt(2) < 128
                    && Character.digit(s.charAt(2), 16) >= 0;
            radix = hex ? 16 : 8;
            i = hex ? 2 : 0;
        }
        long v = 0;
        int digits = 0;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            int d = c < 128 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                break;
            }
            v = v * radix + d;
            if (v > 0xFFFF_FFFFL) {
                return -1;
            }
            digits++;
        }
        if (digits == 0) {
            return -1;
        }
        String tail = s.substring(i);
        return tail.isEmpty() || tail.equals("\n") ? v : -1;
    }

    /** handle_dlpar_errorlog, also the entry point of hypervisor hot-plug events. */
    int handle(int resource, int action, int idType, long id1, long id2) {
        return switch (resource) {
            case RESOURCE_MEM -> dlparMemory(action, idType, id1, id2);
            case RESOURCE_CPU -> dlparCpu(action, idType, id1);
            default -> {
                pr("dlpar: Invalid resource (" + resource + ") specified");
                yield EINVAL;
            }
        };
    }

    int handleEvent(boolean add, boolean memoryResource, boolean indexedCount, long count, long index) {
        return tree.locked(() -> indexedCount
                ? handle(memoryResource ? RESOURCE_MEM : RESOURCE_CPU, add ? ACTION_ADD : ACTION_REMOVE, ID_IC, count, index)
                : handle(memoryResource ? RESOURCE_MEM : RESOURCE_CPU, add ? ACTION_ADD : ACTION_REMOVE, ID_INDEX,
                        index, 0));
    }

    // ---- RTAS wrappers (arch/powerpc/kernel/rtas.c errno mapping)

    private static int rtasErrno(int status) {
        return switch (status) {
            case 0 -> 0;
            case PapDrc.HW_ERROR -> EIO;
            case PapDrc.PARAM_ERROR -> EINVAL;
            case -9000 -> -14;
            case -9001 -> -17;
            case -9002 -> ENODEV;
            default -> -34;
        };
    }

    /** dlpar_acquire_drc. */
    private int acquire(PapDrc drc) {
        if (drc.sense() != PapDrc.SENSE_UNUSABLE) {
            return EPERM_RAW;
        }
        int rc = rtasErrno(drc.setAllocation(true));
        if (rc != 0) {
            return rc;
        }
        rc = rtasErrno(drc.setIsolation(true, strictLmbIsolation));
        if (rc != 0) {
            drc.setAllocation(false);
        }
        return rc;
    }

    /** dlpar_release_drc. */
    private int release(PapDrc drc) {
        if (drc.sense() != PapDrc.SENSE_PRESENT) {
            return EPERM_RAW;
        }
        int rc = rtasErrno(drc.setIsolation(false, strictLmbIsolation));
        if (rc != 0) {
            return rc;
        }
        rc = rtasErrno(drc.setAllocation(false));
        if (rc != 0) {
            drc.setIsolation(true, strictLmbIsolation);
        }
        return rc;
    }

    /** dlpar_unisolate_drc: the "removal failed" hint to the hypervisor. */
    private void unisolate(PapDrc drc) {
        if (drc != null && drc.sense() == PapDrc.SENSE_PRESENT) {
            drc.setIsolation(true, strictLmbIsolation);
        }
    }

    // ---- CPU (hotplug-cpu.c)

    private int dlparCpu(int action, int idType, long index) {
        if (idType != ID_INDEX) {
            return EINVAL;
        }
        if (action == ACTION_ADD) {
            return cpuAdd(index);
        }
        if (action == ACTION_REMOVE) {
            int rc = cpuRemove(index);
            if (rc != 0) {
                unisolate(cpuDrc(index));
            }
            return rc;
        }
        pr("pseries-hotplug-cpu: Invalid action (" + action + ") specified");
        return EINVAL;
    }

    private PapDrc cpuDrc(long index) {
        return cpuDrcs.stream().filter(d -> d.index == index).findFirst().orElse(null);
    }

    private int cpuAdd(long index) {
        String hex = Long.toHexString(index);
        if (cores.containsKey(index)) {
            pr("pseries-hotplug-cpu: CPU with drc index " + hex + " already exists");
            return EINVAL;
        }
        PapDrc drc = cpuDrc(index);
        if (drc == null) {
            pr("pseries-hotplug-cpu: Cannot find CPU (drc index " + hex + ") to add.");
            return EINVAL;
        }
        int rc = acquire(drc);
        if (rc != 0) {
            pr("pseries-hotplug-cpu: Failed to acquire DRC, rc: " + rc + ", drc index: " + hex);
            return EINVAL;
        }
        if (drc.configure() != PapDrc.SUCCESS) {
            pr("pseries-hotplug-cpu: Failed to configure-connector, drc index: " + hex);
            release(drc);
            return EINVAL;
        }
        int[] logical = findCpuIdRange();
        if (logical == null) {
            pr("pseries-hotplug-cpu: Cannot add cpu " + coreName(drc) + "; this system configuration supports "
                    + cpus.possible() + " logical cpus.");
            release(drc);
            return EINVAL;
        }
        CoreNode core = new CoreNode(index, hwBase(drc), logical);
        attach(core);
        return 0;
    }

    /** pseries_add_processor/find_cpu_id_range: nthreads aligned ids, possible and not present. */
    private int[] findCpuIdRange() {
        BitSet present = cpus.presentMask();
        for (int base = 0; base + threadsPerCore <= cpus.possible(); base += threadsPerCore) {
            if (present.get(base, base + threadsPerCore).isEmpty()) {
                int[] ids = new int[threadsPerCore];
                for (int t = 0; t < threadsPerCore; t++) {
                    ids[t] = base + t;
                }
                return ids;
            }
        }
        return null;
    }

    /** QEMU numbers a core's threads core-id * threads + t; the core id is the DRC's low bits. */
    private int hwBase(PapDrc drc) {
        return (int) (drc.index & 0x0FFF_FFFFL) * threadsPerCore;
    }

    private String coreName(PapDrc drc) {
        return "/cpus/" + PseriesDeviceTree.cpuNodeName(hwBase(drc));
    }

    /** Attaches the node and onlines the threads (dlpar_online_cpu). */
    void attach(CoreNode core) {
        cores.put(core.drcIndex(), core);
        dt.addCpuNode(core);
        for (int t = 0; t < core.logical().length; t++) {
            int cpu = core.logical()[t];
            cpus.addPresent(cpu, true);
            tree.dir(SimCpus.cpuPath(cpu)).constant("physical_id", Integer.toString(core.hwBase() + t));
        }
    }

    /** State restore: drops a configured core's node and its CPUs, which are offline already. */
    void detach(CoreNode core) throws KernelErrno {
        for (int cpu : core.logical()) {
            cpus.removePresent(cpu);
        }
        dt.removeCpuNode(core);
        cores.remove(core.drcIndex());
    }

    private int cpuRemove(long index) {
        CoreNode core = cores.get(index);
        if (core == null) {
            pr("pseries-hotplug-cpu: Cannot find CPU (drc index " + Long.toHexString(index) + ") to remove");
            return ENODEV;
        }
        BitSet online = cpus.onlineMask();
        BitSet mine = new BitSet();
        for (int cpu : core.logical()) {
            mine.set(cpu);
        }
        BitSet others = (BitSet) online.clone();
        others.andNot(mine);
        if (others.isEmpty()) {
            pr("pseries-hotplug-cpu: Unable to remove last online CPU " + PseriesDeviceTree.cpuNodeName(core.hwBase()));
            return EBUSY;
        }
        List<Integer> offlined = new ArrayList<>();
        for (int cpu : core.logical()) {
            if (cpus.isOnline(cpu)) {
                try {
                    writeOnline(cpu, "0");
                    offlined.add(cpu);
                } catch (KernelErrno e) {
                    reonline(offlined);
                    return EINVAL;
                }
            }
        }
        PapDrc drc = cpuDrc(index);
        int rc = release(drc);
        if (rc != 0) {
            reonline(offlined);
            return rc;
        }
        for (int cpu : core.logical()) {
            try {
                cpus.removePresent(cpu);
            } catch (KernelErrno e) {
                throw new IllegalStateException("cpu" + cpu + " was offlined but cannot be removed", e);
            }
        }
        dt.removeCpuNode(core);
        cores.remove(index);
        return 0;
    }

    private void writeOnline(int cpu, String value) throws KernelErrno {
        ((SimAttribute) tree.lookup(SimCpus.cpuPath(cpu) + "/online")).write(value);
    }

    private void reonline(List<Integer> offlined) {
        for (int cpu : offlined) {
            try {
                writeOnline(cpu, "1");
            } catch (KernelErrno e) {
                pr("pseries-hotplug-cpu: Failed to online cpu " + cpu);
            }
        }
    }

    // ---- memory (hotplug-memory.c)

    private int dlparMemory(int action, int idType, long id1, long id2) {
        int rc;
        if (action == ACTION_ADD) {
            rc = switch (idType) {
                case ID_COUNT -> memAddByCount(id1);
                case ID_INDEX -> memAddByIndex(id1);
                case ID_IC -> memAddByIc(id1, id2);
                default -> {
                    pr("pseries-hotplug-mem: Invalid id_type (" + idType + ") specified");
                    yield EINVAL;
                }
            };
        } else if (action == ACTION_REMOVE) {
            rc = switch (idType) {
                case ID_COUNT -> memRemoveByCount(id1);
                case ID_INDEX -> memRemoveByIndex(id1);
                case ID_IC -> memRemoveByIc(id1, id2);
                default -> {
                    pr("pseries-hotplug-mem: Invalid id_type (" + idType + ") specified");
                    yield EINVAL;
                }
            };
        } else {
            pr("pseries-hotplug-mem: Invalid action (" + action + ") specified");
            rc = EINVAL;
        }
        // drmem_update_dt: the property is computed from the LMBs on every read, so success needs no rewrite.
        return rc;
    }

    private int blockOf(Lmb lmb) {
        return (int) (lmb.base / memory.blockSizeBytes());
    }

    private int blocksPerLmb() {
        return (int) Math.max(1, lmbSize / memory.blockSizeBytes());
    }

    /** dlpar_add_lmb: configure-connector for the associativity, __add_memory, device_online, ASSIGNED. */
    private int addLmb(Lmb lmb) {
        if (lmb.assigned()) {
            return EINVAL;
        }
        if (lmb.drc.configure() != PapDrc.SUCCESS) {
            return ENODEV;
        }
        int first = blockOf(lmb);
        for (int b = first; b < first + blocksPerLmb(); b++) {
            memory.addBlock(b, false, null);
            try {
                ((SimAttribute) tree.lookup(SimMemory.blockPath(b) + "/state")).write("online");
            } catch (KernelErrno e) {
                throw new IllegalStateException("a fresh block refused to online", e);
            }
        }
        lmb.aaIndex = 0;
        lmb.flags |= DRCONF_ASSIGNED;
        return 0;
    }

    /** dlpar_remove_lmb: removable, offline (EBUSY for unmovable pages), __remove_memory, clear ASSIGNED. */
    private int removeLmb(Lmb lmb) {
        if (!lmb.removable()) {
            return EINVAL;
        }
        int first = blockOf(lmb);
        if (!memory.exists(first)) {
            return EINVAL;
        }
        List<Integer> offlined = new ArrayList<>();
        for (int b = first; b < first + blocksPerLmb(); b++) {
            if (memory.isOnline(b)) {
                try {
                    ((SimAttribute) tree.lookup(SimMemory.blockPath(b) + "/state")).write("offline");
                    offlined.add(b);
                } catch (KernelErrno e) {
                    if (e.errno() == Errno.EBUSY) {
                        pr("page dumped because: unmovable page");
                    }
                    for (int o : offlined) {
                        onlineQuietly(o);
                    }
                    return -e.errno().code();
                }
            }
        }
        for (int b = first; b < first + blocksPerLmb(); b++) {
            try {
                memory.removeBlock(b);
            } catch (KernelErrno e) {
                throw new IllegalStateException("an offline block refused removal", e);
            }
        }
        lmb.aaIndex = NO_AA;
        lmb.flags &= ~DRCONF_ASSIGNED;
        return 0;
    }

    private void onlineQuietly(int block) {
        try {
            ((SimAttribute) tree.lookup(SimMemory.blockPath(block) + "/state")).write("online");
        } catch (KernelErrno e) {
            pr("pseries-hotplug-mem: could not online memory" + block + " again");
        }
    }

    private Lmb lmbByIndex(long index) {
        for (Lmb l : lmbs) {
            if (l.drc != null && l.drc.index == index) {
                return l;
            }
        }
        return null;
    }

    private int memAddByCount(long count) {
        pr("pseries-hotplug-mem: Attempting to hot-add " + asPrintfD(count) + " LMB(s)");
        if (count == 0) {
            return EINVAL;
        }
        long available = lmbs.stream().filter(l -> l.drc != null && (l.flags & (DRCONF_RESERVED | DRCONF_ASSIGNED)) == 0)
                .limit(count).count();
        // Unlike remove_by_count, 6.1's add_by_count refuses a short supply without a message.
        if (available < count) {
            return EINVAL;
        }
        List<Lmb> added = new ArrayList<>();
        for (Lmb l : lmbs) {
            if (added.size() == count) {
                break;
            }
            if (l.drc == null || l.assigned() || (l.flags & DRCONF_RESERVED) != 0) {
                continue;
            }
            if (acquire(l.drc) != 0) {
                continue;
            }
            if (addLmb(l) != 0) {
                release(l.drc);
                continue;
            }
            added.add(l);
        }
        if (added.size() != count) {
            pr("pseries-hotplug-mem: Memory hot-add failed, removing any added LMBs");
            for (Lmb l : added) {
                if (removeLmb(l) == 0) {
                    release(l.drc);
                }
            }
            return EINVAL;
        }
        for (Lmb l : added) {
            pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " (drc index "
                    + l.drc.indexHex() + ") was hot-added");
        }
        return 0;
    }

    private int memAddByIndex(long index) {
        String hex = Long.toHexString(index);
        pr("pseries-hotplug-mem: Attempting to hot-add LMB, drc index " + hex);
        Lmb l = lmbByIndex(index);
        int rc;
        if (l == null) {
            rc = EINVAL;
        } else {
            rc = acquire(l.drc);
            if (rc == 0) {
                rc = addLmb(l);
                if (rc != 0) {
                    release(l.drc);
                }
            }
        }
        if (rc != 0) {
            pr("pseries-hotplug-mem: Failed to hot-add memory, drc index " + hex);
        } else {
            pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " (drc index " + hex + ") was hot-added");
        }
        return rc;
    }

    /**
     * get_lmb_range: the {@code count} consecutive LMBs from the one with {@code index}, or null when the
     * range does not fit. 6.1 takes the count as an {@code int}, so 2^31 and above end before they
     * start: an empty range, and the request succeeds doing nothing.
     */
    private List<Lmb> range(long count, long index) {
        int start = -1;
        for (int i = 0; i < lmbs.size(); i++) {
            if (lmbs.get(i).drc != null && lmbs.get(i).drc.index == index) {
                start = i;
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        if ((int) count < 0) {
            return List.of();
        }
        if (start + count > lmbs.size()) {
            return null;
        }
        return lmbs.subList(start, (int) (start + count));
    }

    private int memAddByIc(long count, long index) {
        pr("pseries-hotplug-mem: Attempting to hot-add " + count + " LMB(s) at index " + Long.toHexString(index));
        if (count == 0) {
            return EINVAL;
        }
        List<Lmb> range = range(count, index);
        if (range == null) {
            return EINVAL;
        }
        for (Lmb l : range) {
            if ((l.flags & DRCONF_RESERVED) != 0) {
                pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " (drc index "
                        + Long.toHexString(l.drcIndex()) + ") is reserved");
                return EINVAL;
            }
        }
        List<Lmb> added = new ArrayList<>();
        int rc = 0;
        for (Lmb l : range) {
            if (l.assigned()) {
                continue;
            }
            rc = acquire(l.drc);
            if (rc != 0) {
                break;
            }
            rc = addLmb(l);
            if (rc != 0) {
                release(l.drc);
                break;
            }
            added.add(l);
        }
        if (rc != 0) {
            pr("pseries-hotplug-mem: Memory indexed-count-add failed, removing any added LMBs");
            for (Lmb l : added) {
                if (removeLmb(l) == 0) {
                    release(l.drc);
                }
            }
            return EINVAL;
        }
        for (Lmb l : added) {
            pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " (drc index "
                    + l.drc.indexHex() + ") was hot-added");
        }
        return 0;
    }

    private int memRemoveByCount(long count) {
        pr("pseries-hotplug-mem: Attempting to hot-remove " + asPrintfD(count) + " LMB(s)");
        if (count == 0) {
            return EINVAL;
        }
        long removable = lmbs.stream().filter(l -> l.drc != null && l.removable()).limit(count).count();
        if (removable < count) {
            pr("pseries-hotplug-mem: Not enough LMBs available (" + removable + " of " + asPrintfD(count)
                    + ") to satisfy request");
            return EINVAL;
        }
        List<Lmb> removed = new ArrayList<>();
        for (Lmb l : lmbs) {
            if (removed.size() == count) {
                break;
            }
            if (l.drc == null || removeLmb(l) != 0) {
                continue;
            }
            removed.add(l);
        }
        if (removed.size() != count) {
            pr("pseries-hotplug-mem: Memory hot-remove failed, adding LMB's back");
            for (Lmb l : removed) {
                if (addLmb(l) != 0) {
                    pr("pseries-hotplug-mem: Failed to add LMB back, drc index " + l.drc.indexHex());
                }
            }
            return EINVAL;
        }
        for (Lmb l : removed) {
            release(l.drc);
            pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " was hot-removed");
        }
        return 0;
    }

    /** remove_by_index; its messages are pr_debug in 6.1, so the log stays quiet but for the page dump. */
    private int memRemoveByIndex(long index) {
        Lmb l = lmbByIndex(index);
        int rc = l == null ? EINVAL : removeLmb(l);
        if (rc == 0) {
            release(l.drc);
        }
        return rc;
    }

    private int memRemoveByIc(long count, long index) {
        pr("pseries-hotplug-mem: Attempting to hot-remove " + count + " LMB(s) at " + Long.toHexString(index));
        if (count == 0) {
            return EINVAL;
        }
        List<Lmb> range = range(count, index);
        if (range == null) {
            return EINVAL;
        }
        for (Lmb l : range) {
            if ((l.flags & DRCONF_RESERVED) != 0) {
                return EINVAL;
            }
        }
        List<Lmb> removed = new ArrayList<>();
        int rc = 0;
        for (Lmb l : range) {
            if (!l.assigned()) {
                continue;
            }
            rc = removeLmb(l);
            if (rc != 0) {
                break;
            }
            removed.add(l);
        }
        if (rc != 0) {
            pr("pseries-hotplug-mem: Memory indexed-count-remove failed, adding any removed LMBs");
            for (Lmb l : removed) {
                unisolate(l.drc);
                addLmb(l);
            }
            return EINVAL;
        }
        for (Lmb l : removed) {
            release(l.drc);
            pr("pseries-hotplug-mem: Memory at " + Long.toHexString(l.base) + " (drc index "
                    + l.drc.indexHex() + ") was hot-removed");
        }
        return 0;
    }

    /** A u32 count as the by-count messages print it: their format is {@code %d}, so 2^31 and above come out negative. */
    static String asPrintfD(long u32) {
        return Integer.toString((int) u32);
    }

    private void pr(String line) {
        kmsg.add(line);
    }
}
