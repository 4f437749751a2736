package org.syshotplug.platform.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.sim.MachineStateFile;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimEvents;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.sim.MachineControl;

/**
 * The simulated machine as SystemFiles and MachineControl; its firmware events go to EventAdmin
 * when one is present. A configuration change rebuilds the machine (no @Modified: DS reactivates).
 */
@Component(name = SimulatedPlatform.NAME, configurationPid = PlatformConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, enabled = false,
        service = {SystemFiles.class, MachineControl.class}, property = SystemFiles.MODE + "=simulated")
public class SimulatedPlatform extends ForwardingSystemFiles implements MachineControl {

    static final String NAME = "org.syshotplug.platform.simulated";

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedPlatform.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    private volatile SimulatedMachine machine;
    private volatile MachineStateFile state;
    private final SimEvents toEventAdmin = this::post;

    @Activate
    void activate(PlatformConfig config) throws IOException, SystemFileException {
        machine = SimulatedMachine.create(toSimConfig(config));
        if (!config.stateFile().isBlank()) {
            state = new MachineStateFile(Path.of(config.stateFile().strip()));
            LOG.info("simulated machine state {} {}", state.load(machine) ? "loaded from" : "will be kept in",
                    state.path());
            // The file describes the machine from its start, before the first write.
            state.save(machine);
            // An eject write only queues the kernel's work: the state changes again when it has run.
            MachineStateFile kept = state;
            SimulatedMachine m = machine;
            machine.onHotplugWork(() -> {
                synchronized (kept) {
                    try {
                        kept.save(m);
                    } catch (IOException e) {
                        LOG.error("simulated machine state {} not written after hot-plug work: {}", kept.path(), e);
                    }
                }
            });
        }
        for (String entry : config.faultDelays().strip().split("[,\\s]+")) {
            int eq = entry.lastIndexOf('=');
            if (eq > 0) {
                machine.injectDelay(entry.substring(0, eq), Duration.ofMillis(Long.parseLong(entry.substring(eq + 1))));
            }
        }
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

    @Override
    SystemFiles files() {
        return machine;
    }

    /** The machine itself, for tests in this bundle. */
    SimulatedMachine machine() {
        return machine;
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        MachineStateFile kept = state;
        if (kept == null) {
            machine.write(path, value);
            return;
        }
        // One writer at a time, so the file always holds the state after the last write that returned.
        synchronized (kept) {
            machine.write(path, value);
            try {
                kept.save(machine);
            } catch (IOException e) {
                throw new SystemFileException(Errno.EIO, path, value,
                        "applied but the state file " + kept.path() + " was not written: " + e, e);
            }
        }
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
