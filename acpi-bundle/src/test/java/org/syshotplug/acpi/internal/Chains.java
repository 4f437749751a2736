package org.syshotplug.acpi.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.memory.internal.MemoryHandlers;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.sequencer.internal.EventSink;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * The whole x86 chain as the bundles' DS annotations declare it: ACPI bus (100) and resources (200),
 * memory (300), CPU (400), and the ACPI eject commit (100), on the real sequencer.
 */
final class Chains {

    /** Every event the sequencer posted, as EventAdmin would receive it. */
    static final class RecordedEvents implements EventSink {
        final List<String> topics = new CopyOnWriteArrayList<>();
        /** The events of finished requests (an outcome topic), in order, for tests to await. */
        final BlockingQueue<Map<String, Object>> finished = new LinkedBlockingQueue<>();

        @Override
        public void post(String topic, Map<String, Object> props) {
            topics.add(topic);
            if (!topic.equals(HotplugEvents.QUEUED) && !topic.equals(HotplugEvents.STARTED)
                    && !topic.equals(HotplugEvents.PROGRESS)) {
                Map<String, Object> copy = new HashMap<>(props);
                copy.put("topic", topic);
                finished.add(copy);
            }
        }

        Map<String, Object> awaitFinished() throws InterruptedException {
            Map<String, Object> e = finished.poll(60, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no request finished within 60 s; events so far: " + topics);
            }
            return e;
        }
    }

    private Chains() {
    }

    static Sequencer x86Chain(SystemFiles files, EventSink events) {
        Sequencer s = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)), events);
        String[] acpi = {"acpi", "container"};
        String[] addRemove = {"add", "remove"};
        s.addHandler(new AcpiBusValidator(files), props("org.syshotplug.acpi.bus", "validate",
                HandlerProperties.FIRMWARE_BUS, acpi, addRemove, "org.syshotplug.acpi"));
        s.addHandler(new AcpiResourceHandler(files), props("org.syshotplug.acpi.resources", "validate",
                HandlerProperties.FIRMWARE_RESOURCES, acpi, addRemove, "org.syshotplug.acpi"));
        s.addHandler(new AcpiEjectHandler(files), props("org.syshotplug.acpi.eject", "commit",
                HandlerProperties.FIRMWARE_BUS, acpi, new String[] {"remove"}, "org.syshotplug.acpi"));
        String[] all = {"add", "remove", "online", "offline"};
        // The memory bundle's defaults: remove movable memory only, online to the kernel's default zone.
        s.addHandler(MemoryHandlers.validate(files, true, "online"), props("org.syshotplug.memory.validate", "validate",
                HandlerProperties.MEMORY, new String[] {"memory"}, all, "org.syshotplug.memory"));
        s.addHandler(MemoryHandlers.online(files, true, "online"), props("org.syshotplug.memory.online", "execute",
                HandlerProperties.MEMORY, new String[] {"memory"}, all, "org.syshotplug.memory"));
        s.addHandler(new CpuValidateHandler(files), props("org.syshotplug.cpu.validate", "validate",
                HandlerProperties.CPU, new String[] {"cpu"}, all, "org.syshotplug.cpu"));
        s.addHandler(new CpuOnlineHandler(files), props("org.syshotplug.cpu.online", "execute",
                HandlerProperties.CPU, new String[] {"cpu"}, all, "org.syshotplug.cpu"));
        return s;
    }

    static Map<String, Object> props(String name, String phase, int priority, String[] devices, String[] operations,
            String bundle) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase, HandlerProperties.PRIORITY, priority,
                HandlerProperties.DEVICES, devices, HandlerProperties.OPERATIONS, operations,
                Sequencer.BUNDLE_PROPERTY, bundle);
    }
}
