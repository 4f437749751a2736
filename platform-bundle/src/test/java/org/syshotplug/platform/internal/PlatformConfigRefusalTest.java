package org.syshotplug.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.component.ComponentContext;

/** A configuration the simulator cannot build is refused by the selector, before SCR activates anything. */
class PlatformConfigRefusalTest {

    private static ComponentContext recording(List<String> calls) {
        return (ComponentContext) Proxy.newProxyInstance(ComponentContext.class.getClassLoader(),
                new Class<?>[] {ComponentContext.class}, (proxy, method, args) -> {
                    calls.add(method.getName() + " " + args[0]);
                    return null;
                });
    }

    @Test
    void unknownProfileRegistersNothingAndNamesTheKnownOnes() {
        List<String> calls = new ArrayList<>();
        PlatformConfig config = PlatformComponentsTest.config(Map.of("profile", "power"));

        new PlatformModeSelector().apply(recording(calls), config);

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME),
                calls);
        assertEquals("unknown simulated profile 'power': known profiles are x86-acpi, x86-acpi-numa, x86-acpi-qemu, pseries, pseries-qemu",
                PlatformModeSelector.refusal(config));
    }

    @Test
    void impossibleSizesAreRefusedTheSameWay() {
        List<String> calls = new ArrayList<>();

        new PlatformModeSelector().apply(recording(calls), PlatformComponentsTest.config(Map.of("cpus", 0)));

        assertEquals(List.of("disableComponent " + LinuxPlatform.NAME, "disableComponent " + SimulatedPlatform.NAME),
                calls);
    }

    @Test
    void everyShippedProfileIsAccepted() {
        for (String profile : List.of("x86-acpi", "pseries", "pseries-qemu")) {
            assertNull(PlatformModeSelector.refusal(PlatformComponentsTest.config(Map.of("profile", profile))), profile);
        }
    }
}
