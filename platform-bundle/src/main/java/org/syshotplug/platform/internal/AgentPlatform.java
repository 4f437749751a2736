package org.syshotplug.platform.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.agent.AgentSystemFiles;

/**
 * SystemFiles of another kernel, served by the agent of tools/x86-acpi-guest on a unix socket (a
 * QEMU guest's serial port), so a whole runtime runs on a guest's kernel; enabled by
 * {@link PlatformModeSelector}.
 */
@Component(name = AgentPlatform.NAME, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false, service = SystemFiles.class,
        property = SystemFiles.MODE + "=agent")
public class AgentPlatform extends ForwardingSystemFiles {

    static final String NAME = "org.syshotplug.platform.agent";

    /** A guest that is up answers at once; one still booting says HELLO within this. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AgentPlatform.class);

    private volatile AgentSystemFiles files;

    @Activate
    void activate(PlatformConfig config) throws IOException {
        files = AgentSystemFiles.connect(Path.of(config.agentSocket().strip()), CONNECT_TIMEOUT);
        LOG.info("SystemFiles: {}", files.describe());
    }

    @Deactivate
    void deactivate() {
        files.close();
    }

    @Override
    SystemFiles files() {
        return files;
    }
}
