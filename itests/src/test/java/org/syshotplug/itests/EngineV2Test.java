package org.syshotplug.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.SystemFiles;

/**
 * The sequencer of engine v2 on the real DS registrations of every product bundle (simulated
 * x86-acpi machine): results name the machine the platform describes, a dry run through the real
 * CPU handlers ends DRY_RUN without changing the CPU, and every handler shows its stuck-thread count.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EngineV2Test {

    @Inject
    private BundleContext context;

    @Inject
    private HotplugService hotplug;

    @Configuration
    public Option[] config() {
        return options(RuntimeOptions.runtime(), RuntimeOptions.syshotplugBundles());
    }

    private String machine() {
        ServiceReference<SystemFiles> ref = context.getServiceReference(SystemFiles.class);
        SystemFiles files = context.getService(ref);
        try {
            return files.describe();
        } finally {
            context.ungetService(ref);
        }
    }

    private HotplugResult submit(HotplugRequest request) throws Exception {
        return hotplug.submit(request).timeout(TimeUnit.SECONDS.toMillis(60)).getValue();
    }

    @Test
    public void resultsNameTheMachineThePlatformDescribes() throws Exception {
        HotplugResult offline = submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2)));
        HotplugResult online = submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));

        assertEquals(offline.summary(), Outcome.SUCCEEDED, offline.outcome());
        assertEquals(online.summary(), Outcome.SUCCEEDED, online.outcome());
        assertTrue(machine(), machine().startsWith("simulated"));
        assertEquals(machine(), offline.machine());
        assertEquals(machine(), hotplug.history(1).get(0).machine());
    }

    @Test
    public void dryRunThroughTheRealCpuHandlersEndsDryRunAndChangesNothing() throws Exception {
        HotplugResult dry = submit(HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(3)).dryRun(true)
                .build());
        HotplugResult again = submit(HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.cpu(3)).build());

        assertEquals(dry.summary(), Outcome.DRY_RUN, dry.outcome());
        assertTrue(dry.succeeded());
        assertTrue("validate ran, nothing executed: " + dry.steps(),
                dry.steps().stream().allMatch(s -> s.phase() == org.syshotplug.api.Phase.VALIDATE));
        // CPU 3 is still online: onlining it again changes nothing and succeeds.
        assertEquals(again.summary(), Outcome.SUCCEEDED, again.outcome());
    }

    @Test
    public void everyHandlerShowsNoStuckThreadsAndNoQuarantine() {
        for (HandlerInfo h : hotplug.handlers()) {
            assertEquals(h.name(), 0, h.stuckThreads());
            assertNull(h.name(), h.quarantine());
        }
    }
}
