package org.syshotplug.memory.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Configuration PID {@value #PID}: the memory handlers' policy. */
@ObjectClassDefinition(id = MemoryConfig.PID, name = "SysHotplug memory handlers",
        description = "Policy of the memory-block online/offline handlers")
@interface MemoryConfig {

    String PID = "org.syshotplug.memory";

    @AttributeDefinition(name = "Remove movable only",
            description = "Refuse to remove a memory block that is online outside ZONE_MOVABLE (Kani's del_movable_only);"
                    + " a request with force overrides it. Plain offline requests are never refused: the kernel decides.")
    boolean removeMovableOnly() default true;

    @AttributeDefinition(name = "Default online zone",
            description = "How a block is onlined when the request names no zone parameter",
            options = {
                @Option(value = "online", label = "kernel's default zone"),
                @Option(value = "online_movable", label = "ZONE_MOVABLE"),
                @Option(value = "online_kernel", label = "default kernel zone")})
    String defaultOnlineZone() default "online";
}
