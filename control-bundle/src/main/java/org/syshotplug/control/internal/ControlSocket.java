package org.syshotplug.control.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.HotplugService;
import org.syshotplug.platform.SystemFiles;

/**
 * The runtime's local front door: {@code control.sock} in the data folder, served with the Gogo
 * command processor the console uses, so {@code bin/syshotplug -c} run against a running service
 * prints what the console would without a second framework (and without a second reader of the
 * journal). Lives in the runtime rather than the launcher so it is a bundle like any other
 * (configured through ConfigAdmin, stopped and updated on its own) and reaches commands the way
 * every shell does, through the {@link CommandProcessor} service.
 */
@Component(configurationPid = ControlConfig.PID)
@Designate(ocd = ControlConfig.class)
public final class ControlSocket {

    /** Set by the launcher: the folder holding the journal, the cache and the data-folder lock. */
    static final String DATA_PROPERTY = "syshotplug.data";
    static final String SOCKET_NAME = "control.sock";

    private static final Logger LOG = LoggerFactory.getLogger(ControlSocket.class);

    @Reference
    CommandProcessor processor;

    /*
     * Both mandatory so the socket appears only once the runtime can take requests: that is what
     * `syshotplug status --wait` (systemd's ExecStartPost) waits for. SystemFiles is dynamic so a
     * platform reconfiguration that replaces it keeps the socket up.
     */
    @Reference
    HotplugService hotplug;

    /*
     * The launcher's sign that every bundle has started, so a client that finds the socket finds
     * every bundle's commands too (they register as their bundles start, some after this one).
     */
    @Reference(target = "(syshotplug.runtime=ready)")
    Runnable runtimeReady;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile SystemFiles systemFiles;

    private ControlServer server;

    @Activate
    void activate(BundleContext context, ControlConfig config) {
        if (!config.enabled()) {
            LOG.info("control socket off (enabled = false)");
            return;
        }
        Path socket = socketPath(config, context.getProperty(DATA_PROPERTY));
        if (socket == null) {
            LOG.info("control socket off: no data folder (framework property {}) and no socket configured", DATA_PROPERTY);
            return;
        }
        try {
            server = ControlServer.start(socket, processor, this::describe, () -> stopFramework(context),
                    Math.max(1, config.maxClients()));
            LOG.info("control socket {}", server.socket());
        } catch (IOException | RuntimeException e) {
            // The runtime still works; only the front door is shut: say so once, clearly.
            LOG.warn("control socket {} not served: {} (bin/syshotplug -c will not reach this runtime)", socket,
                    e.getMessage());
        }
    }

    static Path socketPath(ControlConfig config, String dataFolder) {
        if (!config.socket().isBlank()) {
            return Path.of(config.socket().strip());
        }
        return dataFolder == null || dataFolder.isBlank() ? null : Path.of(dataFolder).resolve(SOCKET_NAME);
    }

    private String describe() {
        SystemFiles files = systemFiles;
        String platform = files == null ? "no platform (SystemFiles is not registered)" : files.describe();
        int requests = hotplug.requests().size();
        return platform + "; " + requests + (requests == 1 ? " request" : " requests") + " queued or running";
    }

    private static void stopFramework(BundleContext context) {
        try {
            context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).stop();
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("stop requested through the control socket failed: {}", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
