package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns whether, where and how Jetty listens. Reads {@value #PID}, validates it, and writes Felix
 * HTTP Jetty's own PID from it; the runtime starts Jetty with
 * {@code org.apache.felix.http.require.config=true}, so without this component's say-so no TCP
 * port opens. An invalid configuration keeps (or turns) Jetty off and says why in one line.
 */
@Component(service = HttpGate.class, configurationPid = HttpGate.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = HttpConfiguration.class)
public class HttpGate {

    static final String PID = "org.syshotplug.http";
    static final String JETTY_PID = "org.apache.felix.http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpGate.class);

    private final ConfigurationAdmin configurationAdmin;
    private volatile HttpSettings settings = HttpSettings.OFF;
    private volatile String refusal;

    @Activate
    public HttpGate(@Reference ConfigurationAdmin configurationAdmin, HttpConfiguration config, Map<String, Object> properties) {
        this.configurationAdmin = configurationAdmin;
        apply(config, properties);
    }

    @Modified
    void modified(HttpConfiguration config, Map<String, Object> properties) {
        apply(config, properties);
    }

    @Deactivate
    void deactivate() {
        settings = HttpSettings.OFF;
        // Also when the runtime stops: ConfigAdmin keeps configurations across restarts, and a Jetty
        // configuration left behind would open the port at the next start before this bundle has
        // read etc/ again.
        writeJetty(HttpSettings.OFF);
    }

    /** The settings in force (OFF when disabled or refused). */
    HttpSettings settings() {
        return settings;
    }

    /** Why the last configuration was refused, or null. */
    String refusal() {
        return refusal;
    }

    private void apply(HttpConfiguration config, Map<String, Object> properties) {
        HttpSettings next;
        if (!properties.containsKey("service.pid")) {
            // No configuration (or it was deleted): off, including a Jetty that an earlier one turned on.
            settings = HttpSettings.OFF;
            refusal = null;
            writeJetty(HttpSettings.OFF);
            return;
        }
        try {
            next = HttpSettings.parse(config);
            refusal = null;
        } catch (IllegalArgumentException e) {
            refusal = e.getMessage();
            LOG.error("HTTP API not started: {}", e.getMessage());
            next = HttpSettings.OFF;
        }
        settings = next;
        writeJetty(next);
        if (next.enabled()) {
            LOG.info("HTTP API on {}://{}:{} ({} users, TLS {})", next.tls() ? "https" : "http", next.host(), next.port(),
                    next.loopback() ? "loopback" : "non-loopback", next.tls() ? "on" : "off");
        }
    }

    private void writeJetty(HttpSettings s) {
        try {
            if (!s.enabled()) {
                // Off is no Jetty configuration at all: with require.config Jetty then stops (or never
                // starts) without a word, where a disabled configuration would make it warn.
                Configuration[] existing = configurationAdmin.listConfigurations("(service.pid=" + JETTY_PID + ")");
                if (existing != null) {
                    for (Configuration c : existing) {
                        c.delete();
                    }
                }
                return;
            }
            Configuration jetty = configurationAdmin.getConfiguration(JETTY_PID, "?");
            Dictionary<String, Object> wanted = new Hashtable<>(s.jettyProperties());
            jetty.updateIfDifferent(wanted);
        } catch (IOException | IllegalStateException | InvalidSyntaxException e) {
            LOG.error("cannot configure Jetty through ConfigurationAdmin ({}): HTTP stays as it was", e.toString());
        }
    }
}
