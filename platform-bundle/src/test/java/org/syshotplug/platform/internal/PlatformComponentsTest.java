package org.syshotplug.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.syshotplug.platform.PlatformEvents;

/** The DS components without a framework: configuration in, services and events out. */
class PlatformComponentsTest {

    /** A PlatformConfig with the metatype defaults, overridden by {@code values}. */
    static PlatformConfig config(Map<String, Object> values) {
        return (PlatformConfig) Proxy.newProxyInstance(PlatformConfig.class.getClassLoader(),
                new Class<?>[] {PlatformConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return PlatformConfig.class;
                    }
                    return values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    /** A ComponentContext that records enable/disable calls. */
    static ComponentContext recording(List<String> calls) {
        return (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
                new Class<?>[] {ComponentContext.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + " " + args[0]);
                    return null;
                });
    }

    @Test
    void linuxModeEnablesOnlyTheLinuxComponent() {
        List<String> calls = new ArrayList<>();

        new PlatformModeSelector().apply(recording(calls), config(Map.of("mode", "linux")));

        assertEquals(List.of("disableComponent " + SimulatedPlatform.NAME, "enableComponent " + LinuxPlatform.NAME),
                calls);
    }

    @Test
    void defaultModeIsSimulated() {
        List<String> calls = new ArrayList<>();

        new PlatformModeSelector().apply(recording(calls), config(Map.of()));

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "enableComponent " + SimulatedPlatform.NAME),
                calls);
    }

    @Test
    void unknownModeRegistersNothing() {
        List<String> calls = new ArrayList<>();

        new PlatformModeSelector().apply(recording(calls), config(Map.of("mode", "real")));

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME),
                calls);
    }

    @Test
    void simulatedPlatformBuildsTheConfiguredMachineAndPostsNotifyToEventAdmin() throws Exception {
        SimulatedPlatform platform = new SimulatedPlatform();
        List<Event> posted = new ArrayList<>();
        platform.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                posted.add(event);
            }
        };
        platform.activate(config(Map.of("cpus", 8, "memoryBlocks", 32)));

        platform.notifyAcpi("ACPI0004:00", 3);

        assertEquals("0-7", platform.readValue("/sys/devices/system/cpu/online"));
        assertTrue(platform.exists("/sys/devices/system/memory/memory31"));
        assertEquals(1, posted.size());
        assertEquals(PlatformEvents.ACPI_NOTIFY, posted.get(0).getTopic());
        assertEquals("ACPI0004:00", posted.get(0).getProperty(PlatformEvents.DEVICE));
        assertEquals(3, posted.get(0).getProperty(PlatformEvents.NOTIFY));
    }

    @Test
    void linuxPlatformReadsUnderTheConfiguredRoot() throws Exception {
        LinuxPlatform platform = new LinuxPlatform();
        platform.activate(config(Map.of("mode", "linux", "root", "src/test/resources/fixtures/vm-linux")));

        assertEquals("0-1", platform.readValue("/sys/devices/system/cpu/possible"));
        assertTrue(platform.describe().startsWith("linux root="));
    }
}
