package org.syshotplug.platform.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.platform.internal.sim.SimProfiles;

/**
 * Enables the platform component the configured mode asks for and disables the others, so exactly
 * one SystemFiles is registered and MachineControl exists only on a simulated machine.
 */
@Component(configurationPid = PlatformConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = PlatformConfig.class)
public class PlatformModeSelector {

    static final String LINUX = "linux";
    static final String SIMULATED = "simulated";
    static final String AGENT = "agent";

    private static final Logger LOG = LoggerFactory.getLogger(PlatformModeSelector.class);

    /** Whether this selector enabled the agent component: only then is there one to disable. */
    private boolean agentEnabled;

    @Activate
    @Modified
    void apply(ComponentContext context, PlatformConfig config) {
        String mode = config.mode() == null ? SIMULATED : config.mode().strip();
        if (agentEnabled && !AGENT.equals(mode)) {
            context.disableComponent(AgentPlatform.NAME);
            agentEnabled = false;
        }
        String enable;
        String disable;
        if (AGENT.equals(mode)) {
            context.disableComponent(LinuxPlatform.NAME);
            context.disableComponent(SimulatedPlatform.NAME);
            if (config.agentSocket() == null || config.agentSocket().isBlank()) {
                if (agentEnabled) {
                    context.disableComponent(AgentPlatform.NAME);
                    agentEnabled = false;
                }
                LOG.warn("{}: mode 'agent' needs agentSocket (the guest agent's unix socket); no SystemFiles "
                        + "registered; fix {}.cfg", PlatformConfig.PID, PlatformConfig.PID);
                return;
            }
            // Enabled once; a new socket later makes DS reactivate it with the new configuration.
            if (!agentEnabled) {
                context.enableComponent(AgentPlatform.NAME);
                agentEnabled = true;
            }
            LOG.info("platform mode {}", mode);
            return;
        }
        if (LINUX.equals(mode)) {
            enable = LinuxPlatform.NAME;
            disable = SimulatedPlatform.NAME;
        } else if (SIMULATED.equals(mode)) {
            String refused = refusal(config);
            if (refused != null) {
                // One line instead of SCR's activation stack traces; the machine stays unregistered.
                LOG.warn("{}: {}; no SystemFiles registered; fix {}.cfg", PlatformConfig.PID, refused, PlatformConfig.PID);
                context.disableComponent(LinuxPlatform.NAME);
                context.disableComponent(SimulatedPlatform.NAME);
                return;
            }
            enable = SimulatedPlatform.NAME;
            disable = LinuxPlatform.NAME;
        } else {
            // WARN: a user's typo, not a fault of the runtime; one line, nothing half-started.
            LOG.warn("{} mode '{}' is neither 'linux', 'simulated' nor 'agent': no SystemFiles registered; fix {}.cfg",
                    PlatformConfig.PID, mode, PlatformConfig.PID);
            context.disableComponent(LinuxPlatform.NAME);
            context.disableComponent(SimulatedPlatform.NAME);
            return;
        }
        context.disableComponent(disable);
        context.enableComponent(enable);
        LOG.info("platform mode {}", mode);
    }

    /** Why the simulated machine of {@code config} cannot be built (unknown profile, bad sizes), or null. */
    static String refusal(PlatformConfig config) {
        try {
            SimProfiles.byName(SimulatedPlatform.toSimConfig(config).profile());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
