package org.syshotplug.node.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@value #PID}: the policy of node requests. */
@ObjectClassDefinition(id = NodeConfig.PID, name = "SysHotplug node requests",
        description = "Policy of requests on whole NUMA nodes (node:N)")
@interface NodeConfig {

    String PID = "org.syshotplug.node";

    @AttributeDefinition(name = "Movable only",
            description = "Refuse to offline or remove a node while one of its memory blocks is online outside "
                    + "ZONE_MOVABLE: the kernel cannot promise to empty such a block, and a node only leaves as a "
                    + "whole. A request with force overrides it (the other node rules cannot be overridden).")
    boolean movableOnly() default true;
}
