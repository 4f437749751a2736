package org.syshotplug.memory.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * What metatype shows for configuration PID {@value MemoryConfig#PID}. The handlers read it through two
 * component property types, {@link MemoryConfig} and {@link HotAddConfig}; the attribute names and
 * defaults here must match theirs.
 */
@ObjectClassDefinition(id = MemoryConfig.PID, name = "SysHotplug memory handlers",
        description = "Policy of the memory-block online/offline handlers")
@interface MemoryMetatype {

    @AttributeDefinition(name = "Remove movable only",
            description = "Refuse to remove a memory block that is online outside ZONE_MOVABLE (Kani's del_movable_only);"
                    + " a request with force overrides it. Plain offline requests are never refused: the kernel decides.")
    boolean removeMovableOnly() default true;

    @AttributeDefinition(name = "Default online zone",
            description = "How a block is onlined by an online request that names no zone parameter",
            options = {
                @Option(value = "online", label = "kernel's default zone"),
                @Option(value = "online_movable", label = "ZONE_MOVABLE"),
                @Option(value = "online_kernel", label = "default kernel zone")})
    String defaultOnlineZone() default "online";

    @AttributeDefinition(name = "Hot-add zone",
            description = "How an add onlines blocks that just arrived (a DIMM, an ACPI memory device) when the request"
                    + " names no zone: movable keeps the DIMM removable (plain online outside the Movable zone lands in"
                    + " ZONE_NORMAL, where kernel allocations pin it); kernel onlines it for kernel use; default does what"
                    + " an online request does (defaultOnlineZone)",
            options = {
                @Option(value = "movable", label = "ZONE_MOVABLE (stays removable)"),
                @Option(value = "kernel", label = "default kernel zone"),
                @Option(value = "default", label = "as defaultOnlineZone")})
    String hotAddZone() default "movable";
}
