package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cpuhp state table (kernel/cpu.c cpuhp_hp_states plus the dynamic ranges): one entry per
 * state number, with its name and whether it has a startup and a teardown callback. The default
 * table is modelled on the 76 named states of this project's x86 VM (Linux 6.18); the callback
 * directions follow the kernel sources (":dead" states tear down only, ":prepare" and most
 * ":online" states have both, lib/percpu_cnt:online only starts up).
 */
public final class CpuhpStates {

    /** CPUHP_OFFLINE. */
    public static final int OFFLINE = 0;

    /** One state of the table. */
    public record State(int number, String name, boolean startup, boolean teardown, boolean cantStop) {
        public boolean hasCallback(boolean bringUp) {
            return bringUp ? startup : teardown;
        }
    }

    private final State[] states;
    private final int online;
    private final int bringupCpu;
    private final int idleDead;
    private final int apOnline;

    /**
     * @param bringupCpu CPUHP_BRINGUP_CPU: states at or below it run on the boot CPU
     * @param idleDead CPUHP_AP_IDLE_DEAD, the first atomic state
     * @param apOnline CPUHP_AP_ONLINE, the first state after the atomic (STARTING/DYING) range
     */
    public CpuhpStates(List<State> named, int bringupCpu, int idleDead, int apOnline) {
        int last = named.stream().mapToInt(State::number).max().orElseThrow();
        this.states = new State[last + 1];
        for (State s : named) {
            states[s.number()] = s;
        }
        this.online = last;
        this.bringupCpu = bringupCpu;
        this.idleDead = idleDead;
        this.apOnline = apOnline;
    }

    /** CPUHP_ONLINE, the last state. */
    public int online() {
        return online;
    }

    /** The state at {@code number}, or null for an unused number (no name, no callbacks). */
    public State state(int number) {
        return number < 0 || number >= states.length ? null : states[number];
    }

    public boolean hasCallback(int number, boolean bringUp) {
        State s = state(number);
        return s != null && s.hasCallback(bringUp);
    }

    /** cpuhp_is_atomic_state(): STARTING/DYING callbacks run with interrupts off and cannot fail. */
    public boolean atomic(int number) {
        return idleDead <= number && number < apOnline;
    }

    public int bringupCpu() {
        return bringupCpu;
    }

    /** The named states in order, as {@code hotplug/states} lists them. */
    public List<State> named() {
        List<State> list = new ArrayList<>();
        for (State s : states) {
            if (s != null && s.name() != null) {
                list.add(s);
            }
        }
        return Collections.unmodifiableList(list);
    }

    /** The number of the state called {@code name}, or -1. */
    public int numberOf(String name) {
        for (State s : states) {
            if (s != null && name.equals(s.name())) {
                return s.number();
            }
        }
        return -1;
    }

    /** {@code hotplug/states}: one {@code "%3d: %s"} line per named state. */
    public String show() {
        StringBuilder b = new StringBuilder();
        for (State s : named()) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(String.format("%3d: %s", s.number(), s.name()));
        }
        return b.toString();
    }

    /** The table of this project's x86-64 VM (Linux 6.18, KVM/Firecracker guest). */
    public static CpuhpStates x86Vm() {
        List<State> l = new ArrayList<>();
        both(l, 0, "offline", false, false);
        l.add(new State(1, "threads:prepare", true, false, true));
        both(l, 3, "perf/x86/amd/uncore:prepare", true, true);
        for (Object[] d : new Object[][] {{8, "virtio/net:dead"}, {10, "slub:dead"}, {12, "mm/writeback:dead"},
                {13, "mm/vmstat:dead"}, {14, "softirq:dead"}, {19, "irq_poll:dead"}, {20, "block/softirq:dead"},
                {21, "block/bio:dead"}, {22, "acpi/cpu-drv:dead"}, {24, "block/mq:dead"}, {25, "fs/buffer:dead"},
                {26, "printk:dead"}, {27, "mm/memctrl:dead"}, {28, "lib/percpu_cnt:dead"}, {29, "lib/radix:dead"},
                {30, "mm/page_alloc:pcp"}, {31, "net/dev:dead"}, {32, "iommu/iova:dead"}}) {
            both(l, (Integer) d[0], (String) d[1], false, true);
        }
        both(l, 35, "random:prepare", true, false);
        both(l, 36, "workqueue:prepare", true, false);
        both(l, 38, "hrtimers:prepare", true, true);
        both(l, 40, "smpcfd:prepare", true, true);
        both(l, 41, "relay:prepare", true, false);
        both(l, 43, "RCU/tree:prepare", true, true);
        both(l, 51, "base/topology:prepare", true, true);
        both(l, 54, "trace/RB:prepare", true, false);
        both(l, 57, "block/zram:prepare", true, true);
        both(l, 58, "timers:prepare", true, true);
        both(l, 59, "tmigr:prepare", true, false);
        both(l, 61, "kvmclock:setup_percpu", true, false);
        both(l, 62, "fork:vm_stack_cache", false, true);
        l.add(new State(82, "cpu:kick_ap", true, false, true));
        l.add(new State(83, "cpu:bringup", true, true, true));
        both(l, 84, "idle:dead", false, true);
        l.add(new State(85, "ap:offline", false, false, true));
        both(l, 86, "x86/cachectrl:starting", true, false);
        both(l, 87, "sched:starting", true, true);
        both(l, 88, "RCU/tree:dying", false, true);
        both(l, 103, "perf/x86/amd/uncore:starting", true, true);
        both(l, 138, "smpcfd:dying", false, true);
        both(l, 139, "hrtimers:dying", false, true);
        both(l, 140, "tick:dying", false, true);
        l.add(new State(143, "ap:online", false, false, true));
        l.add(new State(144, "cpu:teardown", false, true, true));
        both(l, 147, "kvm/cpu:online", true, true);
        both(l, 148, "sched:waitempty", false, true);
        both(l, 149, "smpboot/threads:online", true, true);
        both(l, 150, "irq/affinity:online", true, false);
        both(l, 151, "block/mq:online", true, true);
        both(l, 154, "perf:online", true, true);
        both(l, 157, "perf/x86/amd/uncore:online", true, true);
        both(l, 185, "tmigr:online", true, true);
        both(l, 186, "lockup_detector:online", true, true);
        both(l, 187, "workqueue:online", true, true);
        both(l, 188, "random:online", true, false);
        both(l, 189, "RCU/tree:online", true, true);
        both(l, 190, "kthreads:online", true, false);
        both(l, 191, "base/cacheinfo:online", true, true);
        both(l, 192, "x86/kvm:online", true, true);
        both(l, 193, "mm/writeback:online", true, false);
        both(l, 194, "mm/vmstat:online", true, true);
        both(l, 195, "padata:online", true, true);
        both(l, 196, "pci/amd_bus:online", true, false);
        both(l, 197, "io-wq/online", true, true);
        both(l, 198, "topology/cpu-capacity", true, true);
        both(l, 199, "x86/cpuid:online", true, true);
        both(l, 200, "lib/percpu_cnt:online", true, false);
        both(l, 201, "acpi/cpu-drv:online", true, true);
        both(l, 202, "virtio/net:online", true, true);
        both(l, 203, "cpuidle/haltpoll:online", true, true);
        both(l, 204, "printk:online", true, false);
        both(l, 235, "sched:active", true, true);
        both(l, 236, "online", false, false);
        return new CpuhpStates(l, 83, 84, 143);
    }

    private static void both(List<State> l, int number, String name, boolean startup, boolean teardown) {
        l.add(new State(number, name, startup, teardown, false));
    }
}
