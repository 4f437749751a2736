package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HotplugHandler;

/** The DS component driven the way SCR drives it, without a framework. */
class HotplugServiceComponentTest {

    private final Gate gate = new Gate();
    private HotplugServiceComponent component = new HotplugServiceComponent(config(1024, 30_000, false, 1000), null);

    @AfterEach
    void stop() {
        gate.open();
        component.deactivate();
    }

    @Test
    void modifiedConfigurationAppliesWithoutRestart() throws Exception {
        component.bindHandler(gate, reference(Map.of("hotplug.phase", "execute", "hotplug.priority", 100,
                "service.id", 11L, "component.name", "gate")));
        Promise<HotplugResult> running = component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1)));
        gate.awaitEntered();

        component.modified(config(1, 30_000, true, 1000));
        Promise<HotplugResult> queued = component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));
        Promise<HotplugResult> overflow = component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3)));

        assertEquals(Outcome.REJECTED, overflow.getValue().outcome());
        gate.open();
        assertEquals(Outcome.SUCCEEDED, running.getValue().outcome());
        assertEquals(Outcome.SUCCEEDED, queued.getValue().outcome());
    }

    @Test
    void resultsNameTheMachineThePlatformDescribesAndKeepItAcrossReconfiguration() throws Exception {
        SystemFiles files = (SystemFiles) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SystemFiles.class}, (proxy, method, args) ->
                        method.getName().equals("describe") ? "simulated x86-acpi 4 CPUs" : null);
        component.bindHandler(new ScriptedHandler("h", new ScriptedHandler.Journal()), reference(Map.of(
                "hotplug.phase", "execute", "hotplug.priority", 400, "service.id", 43L, "component.name", "h")));
        HotplugRequest request = HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1));
        assertEquals(HotplugResult.UNKNOWN_MACHINE, component.submit(request).getValue().machine());

        component.bindSystemFiles(files);
        component.modified(config(1024, 30_000, false, 1000));

        assertEquals("simulated x86-acpi 4 CPUs",
                component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue().machine());
        component.unbindSystemFiles(files);
        assertEquals(HotplugResult.UNKNOWN_MACHINE,
                component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue().machine());
    }

    @Test
    void boundHandlerJoinsTheChainWithItsBundleAndServiceIdentity() {
        component.bindHandler(new ScriptedHandler("h", new ScriptedHandler.Journal()), reference(Map.of(
                "hotplug.phase", "validate", "hotplug.priority", 400, "service.id", 42L, "service.ranking", 3,
                "component.name", "org.example.CpuValidator", "hotplug.devices", new String[] {"cpu"})));

        var info = component.handlers().get(0);

        assertEquals("org.example.CpuValidator", info.name());
        assertEquals("org.example.cpu", info.bundle());
        assertEquals(42L, info.serviceId());
        assertEquals(3, info.ranking());
        assertEquals(List.of("cpu"), info.devices());
    }

    @Test
    void malformedHandlerServiceIsLeftOutInsteadOfFailingTheBind() {
        component.bindHandler(new ScriptedHandler("bad", new ScriptedHandler.Journal()),
                reference(Map.of("hotplug.phase", "sometime", "hotplug.priority", 1, "service.id", 5L)));

        assertEquals(List.of(), component.handlers());
    }

    @Test
    void updatedPropertiesMoveTheHandlerAndUnbindRemovesIt() {
        HotplugHandler h = new ScriptedHandler("h", new ScriptedHandler.Journal());
        component.bindHandler(h, reference(Map.of("hotplug.phase", "execute", "hotplug.priority", 100, "service.id", 7L)));

        component.updatedHandler(h, reference(Map.of("hotplug.phase", "execute", "hotplug.priority", 900, "service.id", 7L)));
        int priority = component.handlers().get(0).priority();
        component.unbindHandler(h);

        assertEquals(900, priority);
        assertEquals(List.of(), component.handlers());
    }

    @Test
    void eventsArePostedToEventAdminWhenItIsPresent() throws Exception {
        List<Event> posted = new CopyOnWriteArrayList<>();
        CountDownLatch three = new CountDownLatch(3);
        component.eventAdmin = (EventAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {EventAdmin.class}, (proxy, method, args) -> {
                    if (method.getName().equals("postEvent")) {
                        posted.add((Event) args[0]);
                        three.countDown();
                    }
                    return null;
                });

        bindExecuteHandler();
        component.submit(HotplugRequest.builder(Operation.ONLINE).id("ev1").target(DeviceRef.cpu(1)).build()).getValue();
        // Events reach EventAdmin from the component's one posting thread, after the promise may resolve.
        assertTrue(three.await(10, TimeUnit.SECONDS), "three events posted: " + posted);

        assertEquals(List.of(HotplugEvents.QUEUED, HotplugEvents.STARTED, HotplugEvents.topic(Outcome.SUCCEEDED)),
                posted.stream().map(Event::getTopic).toList());
        assertEquals("ev1", posted.get(2).getProperty(HotplugEvents.REQUEST_ID));
    }

    @Test
    void withoutEventAdminRequestsStillRun() throws Exception {
        component.eventAdmin = null;
        bindExecuteHandler();

        HotplugResult result = component.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        assertTrue(result.succeeded());
    }

    private void bindExecuteHandler() {
        component.bindHandler(new ScriptedHandler("online", new ScriptedHandler.Journal()),
                reference(Map.of("hotplug.phase", "execute", "hotplug.priority", 400, "service.id", 12L,
                        "component.name", "online")));
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<HotplugHandler> reference(Map<String, Object> properties) {
        Bundle bundle = (Bundle) Proxy.newProxyInstance(HotplugServiceComponentTest.class.getClassLoader(),
                new Class<?>[] {Bundle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getSymbolicName" -> "org.example.cpu";
                    case "getState" -> Bundle.ACTIVE;
                    default -> null;
                });
        return (ServiceReference<HotplugHandler>) Proxy.newProxyInstance(
                HotplugServiceComponentTest.class.getClassLoader(), new Class<?>[] {ServiceReference.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getPropertyKeys" -> properties.keySet().toArray(String[]::new);
                    case "getProperty" -> properties.get((String) args[0]);
                    case "getBundle" -> bundle;
                    default -> null;
                });
    }

    private static SequencerConfiguration config(int capacity, long deadlineMillis, boolean trace, int history) {
        return new SequencerConfiguration() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SequencerConfiguration.class;
            }

            @Override
            public int queueCapacity() {
                return capacity;
            }

            @Override
            public long handlerDeadlineMillis() {
                return deadlineMillis;
            }

            @Override
            public boolean trace() {
                return trace;
            }

            @Override
            public int historySize() {
                return history;
            }

            @Override
            public int maxStuckThreads() {
                return SequencerSettings.DEFAULT_MAX_STUCK_THREADS;
            }

            @Override
            public boolean journalRefuseUntilAcknowledged() {
                return true;
            }

            @Override
            public boolean journal() {
                return false;
            }
        };
    }
}
