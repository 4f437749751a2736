package org.syshotplug.memory.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Progress;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/** A sequencer with the memory bundle's handlers registered the way their DS annotations declare them. */
final class Chains {

    private Chains() {
    }

    static Sequencer memoryChain(SystemFiles files, MemoryConfig config) {
        return memoryChain(files, config, "movable");
    }

    /** With the hot-add policy {@code hotAddZone} ({@code movable}, {@code kernel}, {@code default}). */
    static Sequencer memoryChain(SystemFiles files, MemoryConfig config, String hotAddZone) {
        Sequencer sequencer = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)));
        HotAddConfig hotAdd = MemoryValidateHandler.hotAdd(hotAddZone);
        sequencer.addHandler(new MemoryValidateHandler(files, config, hotAdd),
                props("org.syshotplug.memory.validate", "validate", HandlerProperties.MEMORY));
        sequencer.addHandler(new MemoryOnlineHandler(files, config, hotAdd),
                props("org.syshotplug.memory.online", "execute", HandlerProperties.MEMORY));
        return sequencer;
    }

    static Map<String, Object> props(String name, String phase, int priority) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY, priority,
                HandlerProperties.DEVICES, new String[] {"memory"}, "sequencer.bundle", "org.syshotplug.memory");
    }

    static void addApplication(Sequencer sequencer, HotplugHandler handler, String name) {
        sequencer.addHandler(handler, Map.of("component.name", name, HandlerProperties.PHASE, "execute",
                HandlerProperties.PRIORITY, HandlerProperties.APPLICATION));
    }

    /** An execute handler in another band, e.g. a firmware handler that runs after memory on tear-down. */
    static void addExecute(Sequencer sequencer, HotplugHandler handler, String name, int priority) {
        sequencer.addHandler(handler, Map.of("component.name", name, HandlerProperties.PHASE, "execute",
                HandlerProperties.PRIORITY, priority));
    }

    static HotplugResult run(Sequencer sequencer, HotplugRequest request) throws Exception {
        return sequencer.submit(request).getValue();
    }

    static HotplugResult run(Sequencer sequencer, HotplugRequest request, List<Progress> progress) throws Exception {
        return sequencer.submit(request, progress::add).getValue();
    }

    static List<Progress> progressList() {
        return new CopyOnWriteArrayList<>();
    }
}
