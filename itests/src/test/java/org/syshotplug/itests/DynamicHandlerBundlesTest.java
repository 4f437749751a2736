package org.syshotplug.itests;

import static org.junit.Assert.assertEquals;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.syshotplug.itests.RuntimeOptions.reactorBundle;

import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.itests.handlers.QuietHandler;

/**
 * Real Felix, real SCR, the API and the sequencer, and two handler bundles built by the test: the
 * sequencer finds the handlers through their service properties when their bundles start, orders
 * them as declared, and forgets a handler when its bundle is uninstalled.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DynamicHandlerBundlesTest {

    private static final DeviceRef WIDGET = DeviceRef.of("widget", "1");

    @Inject
    private BundleContext context;

    @Inject
    private HotplugService hotplug;

    @Configuration
    public Option[] config() {
        return options(RuntimeOptions.runtime(), reactorBundle("sequencer-bundle"));
    }

    @Test
    public void handlersOfTwoBundlesRunInDeclaredPriorityOrderNotInstallOrder() throws Exception {
        installAndStart(handlerBundle("itest.second", 1020));
        installAndStart(handlerBundle("itest.first", 1010));

        HotplugResult online = hotplug.submit(HotplugRequest.of(Operation.ONLINE, WIDGET)).getValue();
        HotplugResult offline = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, WIDGET)).getValue();

        assertEquals(online.summary(), Outcome.SUCCEEDED, online.outcome());
        assertEquals(List.of("itest.first", "itest.second"), steps(online, Phase.EXECUTE));
        assertEquals("tear-down runs the mirror image", List.of("itest.second", "itest.first"), steps(offline, Phase.EXECUTE));
    }

    @Test
    public void requestAfterUninstallRunsWithoutTheUninstalledBundlesHandler() throws Exception {
        Bundle first = installAndStart(handlerBundle("itest.first", 1010));
        installAndStart(handlerBundle("itest.second", 1020));
        HotplugResult before = hotplug.submit(HotplugRequest.of(Operation.ONLINE, WIDGET)).getValue();

        first.uninstall();
        HotplugResult after = hotplug.submit(HotplugRequest.of(Operation.ONLINE, WIDGET)).getValue();

        assertEquals(List.of("itest.first", "itest.second"), steps(before, Phase.EXECUTE));
        assertEquals(after.summary(), Outcome.SUCCEEDED, after.outcome());
        assertEquals(List.of("itest.second"), steps(after, Phase.EXECUTE));
        assertEquals(List.of("itest.second"), hotplug.handlers().stream().map(h -> h.name()).toList());
    }

    private static String handlerBundle(String name, int priority) throws Exception {
        return TestBundles.handler(name, QuietHandler.class).phase("execute").priority(priority).devices("widget").build();
    }

    private Bundle installAndStart(String location) throws Exception {
        Bundle bundle = context.installBundle(location);
        // SCR registers the component's service while start() runs, and the sequencer binds it then.
        bundle.start();
        return bundle;
    }

    static List<String> steps(HotplugResult result, Phase phase) {
        return result.steps().stream().filter(s -> s.phase() == phase).map(s -> s.handler()).toList();
    }
}
