package org.syshotplug.rtas.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.memory.internal.MemoryHandlers;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** The full DLPAR chain: the sequencer, this bundle's handlers and the CPU and memory handlers, registered as their DS annotations declare. */
final class DlparChain {
    private DlparChain() {
    }

    static Sequencer on(SystemFiles files) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)));
        String[] addRemove = {"add", "remove"};
        add(s, new DlparResourceHandler(files), "org.syshotplug.rtas.resources", "validate",
                HandlerProperties.FIRMWARE_RESOURCES, addRemove, new String[] {"drc", "cpu", "memory"});
        add(s, new DrcAcquireHandler(files), "org.syshotplug.rtas.drc.acquire", "execute",
                HandlerProperties.FIRMWARE_BUS, new String[] {"add"}, new String[] {"drc"});
        add(s, new DrcReleaseHandler(files), "org.syshotplug.rtas.drc.release", "commit",
                HandlerProperties.FIRMWARE_BUS, new String[] {"remove"}, new String[] {"drc"});
        String[] all = {"add", "remove", "online", "offline"};
        // The kernel's DLPAR remove has no Movable-only policy, so removeMovableOnly is off here (an operator does
        // the same in org.syshotplug.memory.cfg, or passes force); online to the kernel's default zone.
        add(s, MemoryHandlers.validate(files, false, "online"), "org.syshotplug.memory.validate", "validate",
                HandlerProperties.MEMORY, all, new String[] {"memory"});
        add(s, MemoryHandlers.online(files, false, "online"), "org.syshotplug.memory.online", "execute",
                HandlerProperties.MEMORY, all, new String[] {"memory"});
        add(s, new CpuValidateHandler(files), "org.syshotplug.cpu.validate", "validate", HandlerProperties.CPU, all,
                new String[] {"cpu"});
        add(s, new CpuOnlineHandler(files), "org.syshotplug.cpu.online", "execute", HandlerProperties.CPU, all,
                new String[] {"cpu"});
        return s;
    }

    private static void add(Sequencer s, HotplugHandler h, String name, String phase, int priority, String[] operations,
            String[] devices) {
        Map<String, Object> props = new HashMap<>();
        props.put("component.name", name);
        props.put(HandlerProperties.PHASE, phase);
        props.put(HandlerProperties.PRIORITY, priority);
        props.put(HandlerProperties.OPERATIONS, operations);
        props.put(HandlerProperties.DEVICES, devices);
        props.put(Sequencer.BUNDLE_PROPERTY, name.substring(0, name.lastIndexOf('.')));
        s.addHandler(h, props);
    }
}
