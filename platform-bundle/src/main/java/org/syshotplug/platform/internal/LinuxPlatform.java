package org.syshotplug.platform.internal;

import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/** SystemFiles on the real kernel's files under the configured root; enabled by {@link PlatformModeSelector}. */
@Component(name = LinuxPlatform.NAME, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false, service = SystemFiles.class,
        property = SystemFiles.MODE + "=linux")
public class LinuxPlatform implements SystemFiles {

    static final String NAME = "org.syshotplug.platform.linux";

    private static final Logger LOG = LoggerFactory.getLogger(LinuxPlatform.class);

    private volatile LinuxSystemFiles files;

    @Activate
    void activate(PlatformConfig config) {
        files = new LinuxSystemFiles(Path.of(config.root()));
        LOG.info("SystemFiles: {}", files.describe());
    }

    @Override
    public String read(String path) throws SystemFileException {
        return files.read(path);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return files.readBytes(path);
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        files.write(path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        return files.list(directory);
    }

    @Override
    public boolean exists(String path) {
        return files.exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return files.isDirectory(path);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        return files.readLink(path);
    }

    @Override
    public String describe() {
        return files.describe();
    }
}
