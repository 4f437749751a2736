package org.syshotplug.platform.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.MachineControl;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimEvents;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/**
 * The simulated machine as SystemFiles and MachineControl; its firmware events go to EventAdmin
 * when one is present. A configuration change rebuilds the machine (no @Modified: DS reactivates).
 */
@Component(name = SimulatedPlatform.NAME, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false,
        service = {SystemFiles.class, MachineControl.class}, property = SystemFiles.MODE + "=simulated")
public class SimulatedPlatform implements SystemFiles, MachineControl {

    static final String NAME = "org.syshotplug.platform.simulated";

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPlatform.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    private volatile SimulatedMachine machine;
    private final SimEvents toEventAdmin = this::post;

    @Activate
    void activate(PlatformConfig config) {
        machine = SimulatedMachine.create(toSimConfig(config));
        machine.addListener(toEventAdmin);
        LOG.info("SystemFiles: {}", machine.describe());
    }

    @Deactivate
    void deactivate() {
        machine.removeListener(toEventAdmin);
    }

    static SimConfig toSimConfig(PlatformConfig config) {
        return SimConfig.builder().profile(config.profile().strip()).cpus(config.cpus())
                .possibleCpus(config.possibleCpus() <= 0 ? config.cpus() : config.possibleCpus())
                .memoryBlocks(config.memoryBlocks()).blockSizeBytes(config.blockSizeBytes()).nodes(config.nodes())
                .cpuhpStateControl(config.cpuhpStateControl()).autoOnlineBlocks(config.autoOnlineBlocks().strip())
                .build();
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin admin = eventAdmin;
        if (admin != null) {
            admin.postEvent(new Event(topic, properties));
        } else {
            LOG.warn("no EventAdmin: firmware event {} {} is dropped", topic, properties);
        }
    }

    /** The machine itself, for tests in this bundle. */
    SimulatedMachine machine() {
        return machine;
    }

    @Override
    public String read(String path) throws SystemFileException {
        return machine.read(path);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return machine.readBytes(path);
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        machine.write(path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        return machine.list(directory);
    }

    @Override
    public boolean exists(String path) {
        return machine.exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return machine.isDirectory(path);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        return machine.readLink(path);
    }

    @Override
    public String describe() {
        return machine.describe();
    }

    @Override
    public void injectErrno(String path, Errno errno, boolean once) {
        machine.injectErrno(path, errno, once);
    }

    @Override
    public void injectDelay(String path, Duration delay) {
        machine.injectDelay(path, delay);
    }

    @Override
    public void clearFaults() {
        machine.clearFaults();
    }

    @Override
    public void setUnmovable(int block, boolean unmovable) {
        machine.setUnmovable(block, unmovable);
    }

    @Override
    public void notifyAcpi(String kernelName, int value) {
        machine.notifyAcpi(kernelName, value);
    }

    @Override
    public void raiseHotplugErrorLog(byte[] section) {
        machine.raiseHotplugErrorLog(section);
    }
}
