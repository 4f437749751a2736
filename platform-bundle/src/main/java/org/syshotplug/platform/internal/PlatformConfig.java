package org.syshotplug.platform.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@code org.syshotplug.platform}: which kernel the handlers talk to. */
@ObjectClassDefinition(id = PlatformConfig.PID, name = "SysHotplug platform",
        description = "Where the hot-plug handlers find the kernel's files: the real kernel under a root, "
                + "or a simulated machine.")
public @interface PlatformConfig {

    String PID = "org.syshotplug.platform";

    @AttributeDefinition(name = "Mode", description = "linux: real files under the root; simulated: an "
            + "in-memory machine (offers MachineControl for fault injection); agent: another kernel's files, "
            + "served by the agent of a QEMU guest (tools/x86-acpi-guest) on the agent socket.",
            options = {@Option(label = "Linux kernel files", value = "linux"),
                @Option(label = "Simulated machine", value = "simulated"),
                @Option(label = "Agent of a QEMU guest", value = "agent")})
    String mode() default "simulated";

    @AttributeDefinition(name = "Agent socket", description = "agent mode: the unix socket QEMU connects to "
            + "the guest agent's serial port (tools/x86-acpi-guest: WORKDIR/agent.sock).")
    String agentSocket() default "";

    @AttributeDefinition(name = "Root", description = "linux mode: the folder that stands for / "
            + "(/ in production, a captured fixture tree in tests).")
    String root() default "/";

    @AttributeDefinition(name = "Profile", description = "simulated mode: the kind of machine.",
            options = {@Option(label = "x86-64 with ACPI", value = "x86-acpi"),
                @Option(label = "x86-64 with ACPI, two NUMA nodes, node 1 an ejectable container",
                        value = "x86-acpi-numa"),
                @Option(label = "x86-64 with ACPI, the QEMU q35 guest of the differential test", value = "x86-acpi-qemu"),
                @Option(label = "POWER pseries (RTAS, DLPAR)", value = "pseries"),
                @Option(label = "POWER pseries, the QEMU 7.2 guest of the differential test", value = "pseries-qemu")})
    String profile() default "x86-acpi";

    @AttributeDefinition(name = "CPUs", description = "simulated: CPUs present and online at boot (1-1024).",
            min = "1", max = "1024")
    int cpus() default 4;

    @AttributeDefinition(name = "Possible CPUs", description = "simulated: CPU slots including empty hot-plug "
            + "slots; 0 means the same as CPUs.", min = "0", max = "1024")
    int possibleCpus() default 0;

    @AttributeDefinition(name = "Memory blocks", description = "simulated: memory blocks (1-8192).", min = "1",
            max = "8192")
    int memoryBlocks() default 16;

    @AttributeDefinition(name = "Block size (bytes)", description = "simulated: memory block size, a power of "
            + "two (x86-64 default 128 MiB).")
    long blockSizeBytes() default 134217728L;

    @AttributeDefinition(name = "NUMA nodes", description = "simulated: nodes the CPUs and blocks are spread over.",
            min = "1")
    int nodes() default 1;

    @AttributeDefinition(name = "cpuhp state control", description = "simulated: hotplug/target accepts "
            + "intermediate states (CONFIG_CPU_HOTPLUG_STATE_CONTROL).")
    boolean cpuhpStateControl() default false;

    @AttributeDefinition(name = "auto_online_blocks", description = "simulated: how hot-added memory is onlined.",
            options = {@Option(label = "offline", value = "offline"), @Option(label = "online", value = "online"),
                @Option(label = "online_kernel", value = "online_kernel"),
                @Option(label = "online_movable", value = "online_movable")})
    String autoOnlineBlocks() default "offline";

    @AttributeDefinition(name = "State file", description = "simulated: a file that keeps CPU online, memory "
            + "block states and zones and present ACPI objects across restarts (written durably after every "
            + "successful write, loaded at start); empty: the machine starts fresh each time.")
    String stateFile() default "";

    @AttributeDefinition(name = "Fault delays", description = "simulated: slow kernel files, as "
            + "'path=millis' entries separated by commas or spaces (MachineControl.injectDelay at start), "
            + "e.g. /sys/devices/system/cpu/cpu1/online=50.")
    String faultDelays() default "";
}
