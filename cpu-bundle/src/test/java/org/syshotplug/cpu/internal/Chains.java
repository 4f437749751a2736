package org.syshotplug.cpu.internal;

import java.time.Duration;
import java.util.Map;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** A sequencer with the CPU bundle's handlers registered the way their DS annotations declare them. */
final class Chains {

    private Chains() {
    }

    static Sequencer cpuChain(SystemFiles files) {
        Sequencer sequencer = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(20)));
        sequencer.addHandler(new CpuValidateHandler(files), props("org.syshotplug.cpu.validate", "validate", HandlerProperties.CPU));
        sequencer.addHandler(new CpuOnlineHandler(files), props("org.syshotplug.cpu.online", "execute", HandlerProperties.CPU));
        return sequencer;
    }

    static Map<String, Object> props(String name, String phase, int priority) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY, priority,
                HandlerProperties.DEVICES, new String[] {"cpu"}, "sequencer.bundle", "org.syshotplug.cpu");
    }

    static Map<String, Object> application(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase,
                HandlerProperties.PRIORITY, HandlerProperties.APPLICATION);
    }

    static void addApplication(Sequencer sequencer, HotplugHandler handler, String name) {
        sequencer.addHandler(handler, application(name, "execute"));
    }

    /** An execute handler in another band, e.g. a firmware handler that runs after the CPUs on tear-down. */
    static void addExecute(Sequencer sequencer, HotplugHandler handler, String name, int priority) {
        sequencer.addHandler(handler, Map.of("component.name", name, HandlerProperties.PHASE, "execute",
                HandlerProperties.PRIORITY, priority));
    }

    static HotplugResult run(Sequencer sequencer, HotplugRequest request) throws Exception {
        return sequencer.submit(request).getValue();
    }
}
