package org.syshotplug.platform.internal.sim;

/**
 * A kind of simulated machine ({@code x86-acpi}, {@code pseries}): it populates an empty tree
 * with the devices the configuration asks for. Profiles are found by name through
 * {@link SimProfiles}; a profile class needs a public no-argument constructor.
 */
public interface SimProfile {

    /** The name the configuration selects it by, e.g. {@code x86-acpi}. */
    String name();

    /** Builds the machine's devices into {@code tree}; runs once, before the machine is shared. */
    void populate(SysfsTree tree, SimConfig config);

    /** One line for banners: {@code x86-acpi 4 CPUs, 16 memory blocks}. */
    default String describe(SimConfig config) {
        return name() + " " + config.cpus() + " CPUs, " + config.memoryBlocks() + " memory blocks";
    }
}
