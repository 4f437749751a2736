package org.syshotplug.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

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
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.itests.handlers.CpuThreeVeto;
import org.syshotplug.itests.handlers.GateHandler;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugHandler;

/**
 * Felix with every SysHotplug bundle on the simulated x86-acpi machine: handler discovery and order,
 * uninstalling the CPU bundle under a full queue, a third-party handler coming and going,
 * configuration without restart, request events, and SLF4J output from inside the framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ProductBundlesTest {

    private static final String GATE = "itest.gate";

    @Inject
    private BundleContext context;

    @Inject
    private HotplugService hotplug;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return options(RuntimeOptions.runtime(), RuntimeOptions.syshotplugBundles());
    }

    @Test
    public void handlersAreDiscoveredFromTheirServicePropertiesAndOrderedAsDeclared() throws Exception {
        ServiceReference<HotplugHandler>[] refs = handlerReferences();
        Map<Long, ServiceReference<HotplugHandler>> byId = new HashMap<>();
        for (ServiceReference<HotplugHandler> ref : refs) {
            byId.put((Long) ref.getProperty("service.id"), ref);
        }

        List<HandlerInfo> chain = hotplug.handlers();

        assertEquals("every registered handler service is in the chain", byId.keySet(),
                chain.stream().map(HandlerInfo::serviceId).collect(Collectors.toSet()));
        for (HandlerInfo h : chain) {
            ServiceReference<HotplugHandler> ref = byId.get(h.serviceId());
            assertEquals(h.name(), ref.getProperty(HandlerProperties.PHASE), h.phase().word());
            assertEquals(h.name(), ((Number) ref.getProperty(HandlerProperties.PRIORITY)).intValue(), h.priority());
        }
        for (int i = 1; i < chain.size(); i++) {
            HandlerInfo a = chain.get(i - 1);
            HandlerInfo b = chain.get(i);
            assertTrue(a + " before " + b, a.phase().compareTo(b.phase()) < 0
                    || a.phase() == b.phase() && a.priority() <= b.priority());
        }
        assertTrue("the CPU handlers are there: " + chain,
                chain.stream().anyMatch(h -> h.bundle().equals(RuntimeOptions.CPU_BUNDLE)));
    }

    @Test
    public void executeRunsAscendingForOnlineAndDescendingForOffline() throws Exception {
        Map<String, Integer> priority = hotplug.handlers().stream()
                .collect(Collectors.toMap(HandlerInfo::name, HandlerInfo::priority, (a, b) -> a));

        HotplugResult offline = submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2)));
        HotplugResult online = submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));

        assertEquals(offline.summary(), Outcome.SUCCEEDED, offline.outcome());
        assertEquals(online.summary(), Outcome.SUCCEEDED, online.outcome());
        List<Integer> down = priorities(offline, Phase.EXECUTE, priority);
        List<Integer> up = priorities(online, Phase.EXECUTE, priority);
        assertFalse("the CPU handler executed", up.isEmpty());
        assertEquals(sorted(up, false), up);
        assertEquals(sorted(down, true), down);
    }

    @Test
    public void uninstallingTheCpuBundleUnderFiftyQueuedRequestsLosesNoneAndReinstallRestoresIt() throws Exception {
        Semaphore entered = new Semaphore(0);
        Semaphore open = new Semaphore(0);
        Bundle gate = installGate(entered, open);
        Bundle cpu = bundle(RuntimeOptions.CPU_BUNDLE);
        String cpuLocation = cpu.getLocation();

        List<HotplugRequest> requests = new ArrayList<>();
        List<Promise<HotplugResult>> results = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            HotplugRequest r = HotplugRequest.builder(i % 2 == 0 ? Operation.OFFLINE : Operation.ONLINE)
                    .target(DeviceRef.cpu(2)).id("fifty-" + i).build();
            requests.add(r);
            results.add(hotplug.submit(r));
        }
        assertTrue("the first request reached the gate", entered.tryAcquire(30, TimeUnit.SECONDS));
        assertEquals("one running, 49 queued", 50, hotplug.requests().size());

        // The uninstall runs on a thread of its own. SCR takes the CPU handlers out one by one, and the
        // sequencer drops each from the chain at once but waits, per handler, for the running request
        // that holds it: once the first has left the chain the bundle is stopping, so every request
        // that starts from then on runs without the CPU handlers. (Neither a bundle nor a service
        // listener can tell that here: SCR's own synchronous listener, called first, is the one
        // waiting for the gate; so the chain is watched, with a bound.)
        long cpuHandlers = cpuHandlerCount();
        CompletableFuture<Void> uninstalled = new CompletableFuture<>();
        Thread uninstaller = new Thread(() -> {
            try {
                cpu.uninstall();
                uninstalled.complete(null);
            } catch (Exception | Error e) {
                uninstalled.completeExceptionally(e);
            }
        }, "uninstall-cpu-bundle");
        uninstaller.start();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cpuHandlerCount() == cpuHandlers && System.nanoTime() < giveUp) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        assertTrue("a CPU handler left the chain", cpuHandlerCount() < cpuHandlers);
        // Only the running request holds the CPU handlers: once it is let through, the uninstall must
        // return while the next request waits at the gate (it started with the bundle stopping, so
        // without the CPU handlers) and the 48 behind it are still queued.
        open.release();
        assertTrue("the second request reached the gate", entered.tryAcquire(30, TimeUnit.SECONDS));
        uninstalled.get(60, TimeUnit.SECONDS);
        assertEquals("the uninstall returned while requests were still queued", 49, hotplug.requests().size());
        open.release(1000);
        List<HotplugResult> done = new ArrayList<>();
        for (Promise<HotplugResult> p : results) {
            done.add(p.timeout(60_000).getValue());
        }

        assertTrue("the running request finished with the CPU handlers: " + done.get(0).steps(),
                usesCpuHandlers(done.get(0)) && done.get(0).outcome() == Outcome.SUCCEEDED);
        for (HotplugResult r : done.subList(1, 50)) {
            assertFalse(r.requestId() + " ran after the CPU bundle left: " + r.steps(), usesCpuHandlers(r));
        }
        Map<String, Long> runs = hotplug.history(1000).stream()
                .collect(Collectors.groupingBy(HotplugResult::requestId, Collectors.counting()));
        for (HotplugRequest r : requests) {
            assertEquals(r.id() + " ran exactly once", Long.valueOf(1), runs.get(r.id()));
        }
        assertEquals("every request passed the gate once", 50, entered.availablePermits() + 2);

        context.installBundle(cpuLocation).start();
        HotplugResult back = submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));
        assertTrue("the reinstalled CPU handlers run again: " + back.steps(), usesCpuHandlers(back));
        gate.uninstall();
    }

    @Test
    public void thirdPartyVetoTakesEffectWhenInstalledAndStopsWhenUninstalled() throws Exception {
        String location = TestBundles.handler("itest.cpu-three-veto", CpuThreeVeto.class).phase("validate")
                .priority(HandlerProperties.APPLICATION).operations("remove", "offline").devices("cpu").build();
        Bundle veto = context.installBundle(location);
        veto.start();

        HotplugResult refused = submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3)));
        veto.uninstall();
        HotplugResult allowed = submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3)));
        HotplugResult restored = submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(3)));

        assertEquals(refused.summary(), Outcome.REJECTED, refused.outcome());
        assertEquals("itest.cpu-three-veto", refused.error().handler());
        assertEquals(allowed.summary(), Outcome.SUCCEEDED, allowed.outcome());
        assertEquals(restored.summary(), Outcome.SUCCEEDED, restored.outcome());
    }

    @Test
    public void queueCapacityChangedThroughConfigAdminAppliesWithoutRestart() throws Exception {
        Semaphore entered = new Semaphore(0);
        Semaphore open = new Semaphore(0);
        installGate(entered, open);
        CountDownLatch modified = serviceModified(HotplugService.class, "(queueCapacity=2)");
        org.osgi.service.cm.Configuration sequencer = configAdmin.getConfiguration("org.syshotplug.sequencer", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("queueCapacity", 2);
        sequencer.update(props);
        assertTrue("the sequencer took the new configuration", modified.await(30, TimeUnit.SECONDS));
        long sequencerBundleStarted = bundle("org.syshotplug.sequencer").getLastModified();

        Promise<HotplugResult> running = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1)));
        assertTrue(entered.tryAcquire(30, TimeUnit.SECONDS));
        Promise<HotplugResult> queued1 = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2)));
        Promise<HotplugResult> queued2 = hotplug.submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(3)));
        HotplugResult overflow = hotplug.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).timeout(30_000).getValue();
        open.release(1000);

        assertEquals(overflow.summary(), Outcome.REJECTED, overflow.outcome());
        assertTrue(overflow.summary(), overflow.error().message().toLowerCase().contains("full")
                || overflow.error().message().contains("2"));
        assertNotNull(running.timeout(30_000).getValue());
        assertNotNull(queued1.timeout(30_000).getValue());
        assertNotNull(queued2.timeout(30_000).getValue());
        assertEquals("no restart", sequencerBundleStarted, bundle("org.syshotplug.sequencer").getLastModified());
        sequencer.delete();
    }

    @Test
    public void requestLifeIsPostedOnEventAdmin() throws Exception {
        List<Event> events = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch finished = new CountDownLatch(1);
        String id = "events-" + UUID.randomUUID().toString().substring(0, 8);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, HotplugEvents.TOPIC_ALL);
        props.put(EventConstants.EVENT_FILTER, "(" + HotplugEvents.REQUEST_ID + "=" + id + ")");
        context.registerService(EventHandler.class, event -> {
            events.add(event);
            if (event.getTopic().equals(HotplugEvents.topic(Outcome.SUCCEEDED))) {
                finished.countDown();
            }
        }, props);

        submit(HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(2)).id(id).build());

        assertTrue("SUCCEEDED event arrived", finished.await(30, TimeUnit.SECONDS));
        List<String> topics = events.stream().map(Event::getTopic).filter(t -> !t.equals(HotplugEvents.PROGRESS)).toList();
        assertEquals(List.of(HotplugEvents.QUEUED, HotplugEvents.STARTED, HotplugEvents.topic(Outcome.SUCCEEDED)), topics);
        assertEquals("offline", events.get(0).getProperty(HotplugEvents.OPERATION));
        submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(2)));
    }

    @Test
    public void slf4jLineFromTheSequencerBundleReachesTheProvider() throws Exception {
        Bundle logged = context.installBundle(TestBundles.handler("itest.logged", CpuThreeVeto.class)
                .phase("validate").priority(HandlerProperties.APPLICATION).build());
        logged.start();
        logged.uninstall();

        // slf4j-simple writes each line to RuntimeOptions.SLF4J_LOG as it logs it (no buffer).
        String log = java.nio.file.Files.readString(RuntimeOptions.SLF4J_LOG, StandardCharsets.UTF_8);
        assertTrue("the sequencer logged the handler joining and leaving through SLF4J: " + log,
                log.lines().anyMatch(l -> l.contains("INFO org.syshotplug.sequencer") && l.contains("itest.logged")
                        && l.contains("left the chain")));
    }

    private HotplugResult submit(HotplugRequest request) throws Exception {
        return hotplug.submit(request).timeout(60_000).getValue();
    }

    @SuppressWarnings("unchecked")
    private ServiceReference<HotplugHandler>[] handlerReferences() throws Exception {
        return (ServiceReference<HotplugHandler>[]) context.getServiceReferences(HotplugHandler.class.getName(),
                HandlerProperties.HANDLER_FILTER);
    }

    /** A validate handler ahead of every other (priority 10) that holds each cpu request at the gate. */
    private Bundle installGate(Semaphore entered, Semaphore open) throws Exception {
        context.registerService(Semaphore.class, entered, new Hashtable<>(Map.of("gate", "entered")));
        context.registerService(Semaphore.class, open, new Hashtable<>(Map.of("gate", "open")));
        String location = TestBundles.handler(GATE, GateHandler.class).phase("validate").priority(10).devices("cpu")
                .reference("entered", Semaphore.class.getName(), "(gate=entered)")
                .reference("open", Semaphore.class.getName(), "(gate=open)")
                .build();
        Bundle gate = context.installBundle(location);
        gate.start();
        assertTrue("the gate joined the chain", hotplug.handlers().stream().anyMatch(h -> h.name().equals(GATE)));
        return gate;
    }

    private CountDownLatch serviceModified(Class<?> type, String filter) throws Exception {
        CountDownLatch latch = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.MODIFIED) {
                latch.countDown();
            }
        };
        context.addServiceListener(listener, "(&(objectClass=" + type.getName() + ")" + filter + ")");
        return latch;
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }

    private long cpuHandlerCount() {
        return hotplug.handlers().stream().filter(h -> h.bundle().equals(RuntimeOptions.CPU_BUNDLE)).count();
    }

    private static boolean usesCpuHandlers(HotplugResult result) {
        return result.steps().stream().map(StepRecord::bundle).anyMatch(RuntimeOptions.CPU_BUNDLE::equals);
    }

    private static List<Integer> priorities(HotplugResult result, Phase phase, Map<String, Integer> priority) {
        return result.steps().stream().filter(s -> s.phase() == phase).map(s -> priority.get(s.handler())).toList();
    }

    private static List<Integer> sorted(List<Integer> values, boolean descending) {
        List<Integer> copy = new ArrayList<>(values);
        copy.sort(descending ? Collections.reverseOrder() : null);
        return copy;
    }
}
