package org.syshotplug.platform.internal;

import java.nio.file.Path;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/** SystemFiles on the real kernel's files under the configured root; enabled by {@link PlatformModeSelector}. */
@Component(name = LinuxPlatform.NAME, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false, service = SystemFiles.class,
        property = SystemFiles.MODE + "=linux")
public class LinuxPlatform extends ForwardingSystemFiles {

    static final String NAME = "org.syshotplug.platform.linux";

    private static final Logger LOG = LoggerFactory.getLogger(LinuxPlatform.class);

    private volatile LinuxSystemFiles files;

    @Activate
    void activate(PlatformConfig config) {
        files = new LinuxSystemFiles(Path.of(config.root()));
        LOG.info("SystemFiles: {}", files.describe());
    }

    @Override
    SystemFiles files() {
        return files;
    }
}
