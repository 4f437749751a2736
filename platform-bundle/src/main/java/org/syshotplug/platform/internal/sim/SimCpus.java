package org.syshotplug.platform.internal.sim;

import java.util.BitSet;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import org.syshotplug.api.Errno;

/**
 * {@code /sys/devices/system/cpu} with the cpuhp state machine of kernel/cpu.c: per-CPU
 * {@code hotplug/state}, {@code target} and {@code fail}, the device core's {@code online}
 * attribute on top of it, and the possible/present/online/offline masks, all computed live.
 *
 * <p>Bring-up runs the startup callbacks of the states above the current one in increasing order,
 * tear-down runs teardown callbacks in decreasing order. An armed {@code fail} state makes its
 * callback answer EAGAIN (and disarms itself) when the walk reaches it in a direction in which the
 * state has a callback; the CPU then rolls back to the state it started from. Must be driven under
 * the tree lock (attribute stores already are).
 */
public final class SimCpus {

    public static final String ROOT = "/sys/devices/system/cpu";

    private final SysfsTree tree;
    private final CpuhpStates states;
    private final SimNodes nodes;
    private final int possible;
    private final BitSet present = new BitSet();
    private final int[] state;
    private final int[] fail;
    /** The device core's view (!dev->offline): it follows online writes, not target writes. */
    private final boolean[] deviceOnline;
    private final IntPredicate hotpluggable;
    private final IntUnaryOperator nodeOf;
    private final boolean stateControl;

    /**
     * @param hotpluggable whether a CPU gets an {@code online} file (x86: every CPU but 0)
     * @param nodeOf the NUMA node of each CPU
     * @param stateControl CONFIG_CPU_HOTPLUG_STATE_CONTROL: {@code target} accepts intermediate states
     */
    public SimCpus(SysfsTree tree, CpuhpStates states, SimNodes nodes, int possible, IntPredicate hotpluggable,
            IntUnaryOperator nodeOf, boolean stateControl) {
        this.tree = tree;
        this.states = states;
        this.nodes = nodes;
        this.possible = possible;
        this.state = new int[possible];
        this.fail = new int[possible];
        this.deviceOnline = new boolean[possible];
        this.hotpluggable = hotpluggable;
        this.nodeOf = nodeOf;
        this.stateControl = stateControl;
        java.util.Arrays.fill(fail, -1);
        SimDirectory root = tree.dir(ROOT);
        BitSet all = new BitSet();
        all.set(0, possible);
        root.constant("possible", KernelText.cpulist(all));
        root.readOnly("present", () -> KernelText.cpulist(present));
        root.readOnly("online", () -> KernelText.cpulist(onlineMask()));
        root.readOnly("offline", () -> {
            BitSet off = new BitSet();
            off.set(0, possible);
            off.andNot(onlineMask());
            return KernelText.cpulist(off);
        });
        root.readOnly("enabled", () -> KernelText.cpulist(present));
        root.constant("isolated", "");
        root.constant("kernel_max", Integer.toString(Math.max(255, Integer.highestOneBit(possible - 1 | 1) * 2 - 1)));
        root.dir("hotplug").readOnly("states", states::show);
        SimDirectory smt = root.dir("smt");
        smt.constant("active", "0");
        smt.constant("control", "notsupported");
        if (nodes != null) {
            nodes.cpuSource(this::onlineOfNode, possible);
        }
    }

    public CpuhpStates states() {
        return states;
    }

    public int possible() {
        return possible;
    }

    /** Makes a CPU present: its folder appears, offline (state 0), as after an ACPI hot-add. */
    public void addPresent(int cpu, boolean online) {
        checkPossible(cpu);
        present.set(cpu);
        state[cpu] = online ? states.online() : CpuhpStates.OFFLINE;
        deviceOnline[cpu] = online;
        fail[cpu] = -1;
        buildFolder(cpu);
    }

    /** Removes a present CPU (ACPI eject): EBUSY unless it is offline in both cpuhp and the device core. */
    public void removePresent(int cpu) throws KernelErrno {
        checkPossible(cpu);
        if (!present.get(cpu)) {
            return;
        }
        if (isOnline(cpu) || state[cpu] != CpuhpStates.OFFLINE) {
            throw new KernelErrno(Errno.EBUSY, "cpu" + cpu + " is online");
        }
        present.clear(cpu);
        tree.dir(ROOT).remove("cpu" + cpu);
        if (nodes != null) {
            nodes.unlinkDevice(nodeOf.applyAsInt(cpu), "cpu" + cpu);
        }
    }

    public boolean isPresent(int cpu) {
        return cpu >= 0 && cpu < possible && present.get(cpu);
    }

    /** Online as the device core and the kernel both see it. */
    public boolean isOnline(int cpu) {
        return isPresent(cpu) && (deviceOnline[cpu] || state[cpu] > states.bringupCpu());
    }

    public int state(int cpu) {
        return state[cpu];
    }

    public static String cpuPath(int cpu) {
        return ROOT + "/cpu" + cpu;
    }

    public BitSet onlineMask() {
        BitSet b = new BitSet();
        for (int cpu = present.nextSetBit(0); cpu >= 0; cpu = present.nextSetBit(cpu + 1)) {
            if (state[cpu] > states.bringupCpu()) {
                b.set(cpu);
            }
        }
        return b;
    }

    public BitSet presentMask() {
        return (BitSet) present.clone();
    }

    private BitSet onlineOfNode(int node) {
        BitSet b = onlineMask();
        for (int cpu = b.nextSetBit(0); cpu >= 0; cpu = b.nextSetBit(cpu + 1)) {
            if (nodeOf.applyAsInt(cpu) != node) {
                b.clear(cpu);
            }
        }
        return b;
    }

    private void buildFolder(int cpu) {
        SimDirectory d = tree.dir(cpuPath(cpu));
        if (hotpluggable.test(cpu)) {
            d.readWrite("online", () -> deviceOnline[cpu] ? "1" : "0", v -> storeOnline(cpu, v));
        }
        SimDirectory hp = d.dir("hotplug");
        hp.readOnly("state", () -> Integer.toString(state[cpu]));
        hp.readWrite("target", () -> Integer.toString(state[cpu]), v -> storeTarget(cpu, v));
        hp.readWrite("fail", () -> Integer.toString(fail[cpu]), v -> storeFail(cpu, v));
        int node = nodeOf.applyAsInt(cpu);
        SimDirectory topo = d.dir("topology");
        topo.constant("physical_package_id", Integer.toString(node));
        topo.constant("die_id", "0");
        topo.constant("cluster_id", "65535");
        topo.constant("core_id", Integer.toString(cpu));
        String selfList = Integer.toString(cpu);
        for (String own : new String[] {"thread_siblings", "core_cpus", "cluster_cpus"}) {
            topo.readOnly(own, () -> {
                BitSet self = new BitSet();
                self.set(cpu);
                return KernelText.cpumask(self, possible);
            });
            topo.constant(own + "_list", selfList);
        }
        for (String pkg : new String[] {"core_siblings", "package_cpus", "die_cpus"}) {
            topo.readOnly(pkg, () -> KernelText.cpumask(packageOf(cpu), possible));
            topo.readOnly(pkg + "_list", () -> KernelText.cpulist(packageOf(cpu)));
        }
        if (nodes != null) {
            d.link("node" + node, SimNodes.nodePath(node));
            nodes.linkDevice(node, "cpu" + cpu, cpuPath(cpu));
        }
    }

    private BitSet packageOf(int cpu) {
        BitSet b = onlineOfNode(nodeOf.applyAsInt(cpu));
        b.set(cpu);
        return b;
    }

    /** drivers/base/core.c online_store: kstrtobool, then device_online/device_offline. */
    private void storeOnline(int cpu, String value) throws KernelErrno {
        boolean up = KernelText.kstrtobool(value);
        if (up) {
            deviceOnline(cpu);
        } else {
            deviceOffline(cpu);
        }
    }

    /**
     * drivers/base/core.c device_offline for a CPU: 1 when it is already offline, 0 when it went
     * offline; EPERM for a CPU without {@code online} file (offline_disabled), else what the
     * cpuhp walk answers.
     */
    public int deviceOffline(int cpu) throws KernelErrno {
        checkPossible(cpu);
        if (!hotpluggable.test(cpu)) {
            throw new KernelErrno(Errno.EPERM, "cpu" + cpu + " cannot be offlined");
        }
        if (!deviceOnline[cpu]) {
            return 1;
        }
        move(cpu, CpuhpStates.OFFLINE);
        deviceOnline[cpu] = false;
        return 0;
    }

    /** device_online for a CPU: 1 when it is already online, 0 when it came up. */
    public int deviceOnline(int cpu) throws KernelErrno {
        checkPossible(cpu);
        if (deviceOnline[cpu]) {
            return 1;
        }
        move(cpu, states.online());
        deviceOnline[cpu] = true;
        return 0;
    }

    /** kernel/cpu.c target_store: writing a state moves there without the device core. */
    private void storeTarget(int cpu, String value) throws KernelErrno {
        int target = KernelText.kstrtoint(value);
        if (stateControl ? target < CpuhpStates.OFFLINE || target > states.online()
                : target != CpuhpStates.OFFLINE && target != states.online()) {
            throw new KernelErrno(Errno.EINVAL, "state " + target + " is not a valid target");
        }
        CpuhpStates.State s = states.state(target);
        if (s == null || s.name() == null || s.cantStop() || states.atomic(target)) {
            throw new KernelErrno(Errno.EINVAL, "state " + target + " cannot be a target");
        }
        move(cpu, target);
    }

    /** kernel/cpu.c fail_store, with its checks in the same order. */
    private void storeFail(int cpu, String value) throws KernelErrno {
        int f = KernelText.kstrtoint(value);
        if (f == -1) {
            fail[cpu] = -1;
            return;
        }
        if (f < CpuhpStates.OFFLINE || f > states.online() || states.atomic(f)) {
            throw new KernelErrno(Errno.EINVAL, "state " + f + " cannot fail");
        }
        if (f <= states.bringupCpu() && state[cpu] > states.bringupCpu()) {
            throw new KernelErrno(Errno.EINVAL, "state " + f + " is passed on the boot CPU while cpu" + cpu + " is up");
        }
        if (!states.hasCallback(f, true) && !states.hasCallback(f, false)) {
            throw new KernelErrno(Errno.EINVAL, "state " + f + " has no callback");
        }
        fail[cpu] = f;
    }

    /**
     * Walks the state table from the current state to {@code target}; on an injected failure the
     * CPU is rolled back to where it started and EAGAIN is answered, as cpuhp_invoke_callback does.
     */
    public void move(int cpu, int target) throws KernelErrno {
        int start = state[cpu];
        if (target == start) {
            return;
        }
        boolean up = target > start;
        if (!up && !hotpluggable.test(cpu)) {
            throw new KernelErrno(Errno.EBUSY, "cpu" + cpu + " cannot be taken down");
        }
        if (!up && start > states.bringupCpu() && target <= states.bringupCpu() && onlineMask().cardinality() == 1) {
            throw new KernelErrno(Errno.EBUSY, "cpu" + cpu + " is the last online CPU");
        }
        int step = up ? 1 : -1;
        for (int s = up ? start + 1 : start; up ? s <= target : s > target; s += step) {
            if (states.hasCallback(s, up) && fail[cpu] == s) {
                fail[cpu] = -1;
                state[cpu] = start; // rollback runs the opposite callbacks of the states passed
                throw new KernelErrno(Errno.EAGAIN, "cpuhp state " + s + " (" + states.state(s).name() + ") failed");
            }
        }
        state[cpu] = target;
        if (start > states.bringupCpu() && target <= states.bringupCpu()) {
            // arch/x86/kernel/smpboot.c native_cpu_die
            tree.kernelLog().print("smpboot: CPU " + cpu + " is now offline");
        }
    }

    private void checkPossible(int cpu) {
        if (cpu < 0 || cpu >= possible) {
            throw new IllegalArgumentException("cpu " + cpu + " is not possible (0.." + (possible - 1) + ")");
        }
    }
}
