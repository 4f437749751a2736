package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * A host application starts SysHotplug inside its own JVM and calls HotplugService with its own
 * copy of the API classes: the system bundle exports the host's org.syshotplug.api/spi/platform and
 * org.osgi.util.promise/function, so the framework-api and promise bundles are not installed and the
 * bundles wire to the host's packages.
 */
class EmbeddedRuntimeTest {

    @Test
    void hostSubmitsThroughHotplugServiceWithItsOwnApiClasses(@TempDir Path data) throws Exception {
        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(HostRuntimes.product(data).sharedApi(true).build())) {
            HotplugService hotplug = runtime.hotplugService();

            HotplugResult offline = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2))).getValue();
            HotplugResult online = hotplug.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2))).getValue();

            assertTrue(offline.succeeded(), offline.summary());
            assertTrue(online.succeeded(), online.summary());
            assertTrue(offline.steps().stream().anyMatch(s -> s.bundle().equals(RuntimeOptions.CPU_BUNDLE)),
                    "the CPU handlers took part: " + offline.steps());
        }
    }

    @Test
    void apiAndPromiseBundlesAreNotInstalledAndTheSequencerWiresToTheHostsPackages(@TempDir Path data) throws Exception {
        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(HostRuntimes.product(data).sharedApi(true).build())) {
            Bundle[] bundles = runtime.bundleContext().getBundles();
            Bundle sequencer = Arrays.stream(bundles).filter(b -> "org.syshotplug.sequencer".equals(b.getSymbolicName()))
                    .findFirst().orElseThrow();

            assertFalse(Arrays.stream(bundles).anyMatch(b -> "org.syshotplug.api".equals(b.getSymbolicName())));
            assertFalse(Arrays.stream(bundles).anyMatch(b -> "org.osgi.util.promise".equals(b.getSymbolicName())));
            for (String pkg : new String[] {"org.syshotplug.api", "org.syshotplug.spi", "org.osgi.util.promise"}) {
                BundleWire wire = sequencer.adapt(BundleWiring.class).getRequiredWires("osgi.wiring.package").stream()
                        .filter(w -> pkg.equals(w.getCapability().getAttributes().get("osgi.wiring.package")))
                        .findFirst().orElseThrow();
                assertEquals(0L, wire.getProvider().getBundle().getBundleId(), pkg + " comes from the system bundle");
            }
            assertEquals(HotplugService.class, runtime.hotplugService().getClass().getInterfaces()[0]);
        }
    }
}
