package org.syshotplug.fleet.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = FleetAgent.PID, name = "SysHotplug fleet agent",
        description = "Connects this runtime to an MQTT broker: takes hot-plug requests from syshotplug/v1/<host>/request "
                + "and answers on the host's result, progress, status and inventory topics. Off until configured.")
@interface AgentConfig {

    @AttributeDefinition(description = "Connect to the broker (false: the agent stays off).")
    boolean enabled() default false;

    @AttributeDefinition(description = "The broker's URI: tcp://host:port or ssl://host:port.")
    String broker() default "tcp://127.0.0.1:1883";

    @AttributeDefinition(description = "This runtime's name in the fleet: its topic level and MQTT client id.")
    String host();

    @AttributeDefinition(description = "The broker user name (empty: none).")
    String username() default "";

    @AttributeDefinition(description = "The broker password.", type = AttributeType.PASSWORD)
    String _password() default "";

    @AttributeDefinition(description = "Seconds between keep-alive pings; the broker publishes the last will (offline) "
            + "after 1.5 times this without a word.")
    int keepAlive() default 10;
}
