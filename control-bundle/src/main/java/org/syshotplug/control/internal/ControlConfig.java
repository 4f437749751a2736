package org.syshotplug.control.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@value #PID}: the local control socket. */
@ObjectClassDefinition(id = ControlConfig.PID, name = "SysHotplug control socket",
        description = "The Unix domain socket through which bin/syshotplug -c/-f, status and stop reach this runtime")
@interface ControlConfig {

    String PID = "org.syshotplug.control";

    @AttributeDefinition(name = "Enabled", description = "Serve the control socket. Off: bin/syshotplug -c starts a "
            + "runtime of its own, which then finds this one's data folder locked.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Socket", description = "Path of the socket; empty: control.sock in the data folder "
            + "(the framework property syshotplug.data), which is where bin/syshotplug looks for it.")
    String socket() default "";

    @AttributeDefinition(name = "Clients at once", description = "Connections served at the same time; more are "
            + "answered at once with an error (commands still run one request at a time in the sequencer).", min = "1")
    int maxClients() default 8;
}
