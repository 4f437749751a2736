package org.syshotplug.cpu.internal;

/**
 * One logical CPU as sysfs shows it.
 *
 * @param hotpluggable true when the CPU has an {@code online} file (the kernel omits it for CPUs
 *                     that cannot be offlined, such as the boot CPU on x86)
 * @param node         the NUMA node, or null when sysfs links none
 * @param cpuhpState   the cpuhp state number ({@code hotplug/state}), or null where not shown
 * @param cpuhpTarget  the cpuhp target state number ({@code hotplug/target}), or null where not shown
 */
record Cpu(int id, boolean present, boolean online, boolean hotpluggable, Integer node,
        Integer cpuhpState, Integer cpuhpTarget) {
}
