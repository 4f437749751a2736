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
 * Enables the platform component the configured mode asks for and disables the other, so exactly
 * one SystemFiles is registered and MachineControl exists only on a simulated machine.
 */
@Component(configurationPid = PlatformConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true)
@Designate(ocd = PlatformConfig.class)
public class PlatformModeSelector {

    static final String LINUX = "linux";
    static final String SIMULATED = "simulated";

    private static final Logger LOG = LoggerFactory.getLogger(PlatformModeSelector.class);

    @Activate
    @Modified
    void apply(ComponentContext context, PlatformConfig config) {
        String mode = config.mode() == null ? SIMULATED : config.mode().strip();
        String enable;
        String disable;
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
            LOG.warn("{} mode '{}' is neither 'linux' nor 'simulated': no SystemFiles registered; fix {}.cfg",
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
