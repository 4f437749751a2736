package org.syshotplug.fleet.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = FleetController.PID, name = "SysHotplug fleet controller",
        description = "The hotplug:fleet commands: list the fleet's hosts and roll a hot-plug plan across them "
                + "through an MQTT broker. Off until configured.")
@interface ControllerConfig {

    @AttributeDefinition(description = "Connect to the broker and offer hotplug:fleet.")
    boolean enabled() default false;

    @AttributeDefinition(description = "The broker's URI: tcp://host:port or ssl://host:port.")
    String broker() default "tcp://127.0.0.1:1883";

    @AttributeDefinition(description = "The controller's name: its MQTT client id and the principal its requests carry.")
    String name() default "controller";

    @AttributeDefinition(description = "The broker user name (empty: none).")
    String username() default "";

    @AttributeDefinition(description = "The broker password.", type = AttributeType.PASSWORD)
    String _password() default "";

    @AttributeDefinition(description = "The plan journal (empty: fleet/plans.jsonl in the data folder).")
    String journal() default "";
}
