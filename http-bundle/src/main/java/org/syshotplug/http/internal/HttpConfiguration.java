package org.syshotplug.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The HTTP API's one configuration (PID {@value HttpGate#PID}): whether it listens, where, with
 * which certificate, who may call it and how much a caller may send. Secrets live in properties
 * whose names start with a dot, so Declarative Services never copies them into service properties.
 */
@ObjectClassDefinition(name = "SysHotplug HTTP API",
        description = "The authenticated HTTP JSON API, events and Redfish view. Off until enabled; loopback by default; "
                + "a non-loopback host requires TLS.")
@interface HttpConfiguration {

    @AttributeDefinition(description = "Listen at all. False (the default) keeps every TCP port closed.")
    boolean enabled() default false;

    @AttributeDefinition(description = "Address to bind. A loopback address (127.0.0.1, ::1) may serve plain HTTP; "
            + "any other address (0.0.0.0, a LAN address) requires keystore, else the API refuses to start.")
    String host() default "127.0.0.1";

    @AttributeDefinition(description = "TCP port (0 picks a free one, for tests).", min = "0", max = "65535")
    int port() default 8181;

    @AttributeDefinition(description = "PKCS12 (or JKS) keystore with the server's key and certificate: set it to serve HTTPS.")
    String keystore() default "";

    @AttributeDefinition(description = "Keystore type.", options = {})
    String keystoreType() default "PKCS12";

    @AttributeDefinition(name = ".keystorePassword", description = "Keystore password.", type = AttributeType.PASSWORD)
    String _keystorePassword() default "";

    @AttributeDefinition(name = ".keyPassword", description = "Key password (empty: the keystore password).",
            type = AttributeType.PASSWORD)
    String _keyPassword() default "";

    @AttributeDefinition(name = ".users", description = "HTTP basic users, one per value: "
            + "<name>:<viewer|operator>:pbkdf2-sha256:<iterations>:<salt base64>:<hash base64> (make one with bin/syshotplug-passwd).")
    String[] _users() default {};

    @AttributeDefinition(name = ".tokens", description = "Bearer tokens, one per value: "
            + "<name>:<viewer|operator>:sha256:<hex of the token's SHA-256> (make one with bin/syshotplug-passwd --token).")
    String[] _tokens() default {};

    @AttributeDefinition(description = "Largest request body in bytes; a larger one is answered 413.", min = "256", max = "16777216")
    int maxBodyBytes() default 65536;

    @AttributeDefinition(description = "Most devices one submitted request may name.", min = "1", max = "65536")
    int maxDevices() default 1024;

    @AttributeDefinition(description = "The Redfish ComputerSystem id of this machine (/redfish/v1/Systems/<id>).")
    String redfishSystemId() default "1";
}
