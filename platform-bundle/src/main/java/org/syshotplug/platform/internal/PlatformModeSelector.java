package org.syshotplug.platform.internal;

import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
            enable = SimulatedPlatform.NAME;
            disable = LinuxPlatform.NAME;
        } else {
            LOG.error("{} mode '{}' is neither 'linux' nor 'simulated': no SystemFiles registered; fix {}.cfg",
                    PlatformConfig.PID, mode, PlatformConfig.PID);
            context.disableComponent(LinuxPlatform.NAME);
            context.disableComponent(SimulatedPlatform.NAME);
            return;
        }
        context.disableComponent(disable);
        context.enableComponent(enable);
        LOG.info("platform mode {}", mode);
    }
}
