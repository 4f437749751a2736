package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.itests.handlers.CpuThreeVeto;
import org.syshotplug.launcher.Config;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * The distribution's deploy/ folder: with FileInstall and the distribution's own
 * etc/org.apache.felix.fileinstall-deploy.cfg, a handler jar copied into deploy/ is installed,
 * started and joins the chain; deleting it takes it out again. Waits on bundle events.
 * (distribution/src/test/sh/deploy-check.sh measures the same on the assembled runtime.)
 */
class DeployFolderTest {

    private static final String HANDLER = "itest.deployed-veto";

    @Test
    void jarDroppedIntoDeployJoinsTheChainAndLeavesWhenDeleted(@TempDir Path home) throws Exception {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        Files.copy(RuntimeOptions.ROOT.resolve("distribution/src/main/dist/etc/org.apache.felix.fileinstall-deploy.cfg"),
                etc.resolve("org.apache.felix.fileinstall-deploy.cfg"));
        Config config = HostRuntimes.product(home.resolve("data")).sharedApi(true).etcDir(etc).deployDir(deploy)
                .bundle(RuntimeOptions.RUNTIME_BUNDLES.resolve("org.apache.felix.fileinstall.jar").toUri().toString(),
                        Config.LEVEL_RUNTIME)
                .build();
        Path built = Path.of(URI.create(TestBundles.handler(HANDLER, CpuThreeVeto.class).phase("validate").priority(1000)
                .operations("offline").devices("cpu").build()));

        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(config)) {
            HotplugService hotplug = runtime.hotplugService();
            CountDownLatch started = deployedBundleEvent(runtime.bundleContext(), BundleEvent.STARTED);
            CountDownLatch uninstalled = deployedBundleEvent(runtime.bundleContext(), BundleEvent.UNINSTALLED);

            long copied = System.nanoTime();
            Files.copy(built, deploy.resolve(HANDLER + ".jar"));
            assertTrue(started.await(60, TimeUnit.SECONDS), "FileInstall installed and started the deployed bundle");
            long joinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - copied);
            HotplugResult vetoed = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3))).getValue();

            long deleted = System.nanoTime();
            Files.delete(deploy.resolve(HANDLER + ".jar"));
            assertTrue(uninstalled.await(60, TimeUnit.SECONDS), "FileInstall uninstalled the deleted bundle");
            long leftMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted);
            HotplugResult allowed = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3))).getValue();

            System.out.printf("deploy/: handler joined %d ms after the copy, left %d ms after the delete%n", joinedMs, leftMs);
            assertEquals(Outcome.REJECTED, vetoed.outcome(), vetoed.summary());
            assertEquals(HANDLER, vetoed.error().handler());
            assertEquals(Outcome.SUCCEEDED, allowed.outcome(), allowed.summary());
            assertTrue(hotplug.handlers().stream().noneMatch(h -> h.name().equals(HANDLER)));
        }
    }

    /**
     * A plain (asynchronous) bundle listener hears STARTED and UNINSTALLED after every synchronous
     * listener, SCR's included, has run: the handler is then bound to, or gone from, the sequencer.
     */
    private static CountDownLatch deployedBundleEvent(BundleContext context, int type) {
        CountDownLatch latch = new CountDownLatch(1);
        BundleListener listener = event -> {
            if (event.getType() == type && event.getBundle().getLocation().endsWith(HANDLER + ".jar")) {
                latch.countDown();
            }
        };
        context.addBundleListener(listener);
        return latch;
    }
}
