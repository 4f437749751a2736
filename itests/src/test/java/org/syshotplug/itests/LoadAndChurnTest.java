package org.syshotplug.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugEvents;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.itests.handlers.OverlapRecorder;
import org.syshotplug.itests.handlers.QuietHandler;
import org.syshotplug.spi.HandlerProperties;

/**
 * Load and churn on the real bundles and the simulated machine: 10,000 requests from 16 threads
 * while the CPU, memory and a third handler bundle are uninstalled and reinstalled 100 times and
 * the sequencer's and memory handlers' configuration changes. No request may be lost, finish twice
 * or run while another runs; the heap after GC must not grow with the number of requests.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LoadAndChurnTest {

    private static final int THREADS = 16;
    private static final int REQUESTS = 10_000;
    private static final int CHURNS = 100;
    private static final int CONFIG_CHANGES = 20;
    private static final int WARM_UP = 1_000;
    /** A leak of even 100 bytes per request would show as about 1 MiB over the run; this is the bound. */
    private static final long HEAP_GROWTH_LIMIT = 16L << 20;

    private static final List<DeviceRef> TARGETS = List.of(DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3),
            DeviceRef.memory(12), DeviceRef.memory(13), DeviceRef.memory(14), DeviceRef.memory(15));

    @Inject
    private BundleContext context;

    @Inject
    private HotplugService hotplug;

    @Inject
    private ConfigurationAdmin configAdmin;

    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> calls = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> outcomeEvents = new ConcurrentHashMap<>();
    private final CountDownLatch allOutcomes = new CountDownLatch(WARM_UP + REQUESTS);

    @Configuration
    public Option[] config() {
        return options(RuntimeOptions.runtime(), RuntimeOptions.syshotplugBundles());
    }

    @Test
    public void tenThousandRequestsFromSixteenThreadsUnderBundleAndConfigurationChurnAreEachRunOnceAndNeverOverlap()
            throws Exception {
        hotplug = withoutJournal();
        installRecorders();
        listenForOutcomes();
        List<String> churned = List.of(RuntimeOptions.CPU_BUNDLE, "org.syshotplug.memory", installQuietHandler());
        runRequests("warm", WARM_UP, new Semaphore(0), new Semaphore(0));
        long heapBefore = heapAfterGc();

        Semaphore churnPace = new Semaphore(0);
        Semaphore configPace = new Semaphore(0);
        ExecutorService side = Executors.newFixedThreadPool(2);
        Future<Integer> churns = side.submit(() -> churn(churned, churnPace));
        Future<Integer> changes = side.submit(() -> changeConfiguration(configPace));
        long start = System.nanoTime();
        List<HotplugResult> results = runRequests("load", REQUESTS, churnPace, configPace);
        double seconds = (System.nanoTime() - start) / 1e9;
        int churnCount = churns.get(120, TimeUnit.SECONDS);
        int changeCount = changes.get(120, TimeUnit.SECONDS);
        side.shutdown();
        boolean allEvents = allOutcomes.await(60, TimeUnit.SECONDS);
        Map<Outcome, Long> byOutcome = new TreeMap<>(results.stream()
                .collect(Collectors.groupingBy(HotplugResult::outcome, Collectors.counting())));
        long distinctIds = results.stream().map(HotplugResult::requestId).distinct().count();
        List<String> eventsNotOnce = notOnce(outcomeEvents);
        List<String> phasesNotOnce = notOnce(calls);
        List<String> overlappingRuns = overlappingRuns(results);
        // Evidence that the churn met the load: requests that ran while a churned bundle was out.
        long withoutCpuHandlers = results.stream().filter(r -> r.request().targets().get(0).type().equals("cpu")
                && r.steps().stream().noneMatch(st -> RuntimeOptions.CPU_BUNDLE.equals(st.bundle()))).count();
        long withoutChurnedHandler = results.stream().filter(r -> r.steps().stream()
                .noneMatch(st -> st.handler().equals("itest.churned"))).count();
        int resultCount = results.size();
        // The test's own records of the run are dropped before measuring, so the heap shows the runtime's.
        results = null;
        outcomeEvents.clear();
        calls.clear();
        long heapAfter = heapAfterGc();
        System.out.printf("LOAD: %d requests from %d threads in %.1f s (%.0f/s); %d bundle uninstall/reinstall cycles,"
                + " %d configuration changes; outcomes %s; %d CPU requests ran without the CPU bundle and %d requests"
                + " without itest.churned; heap after GC %.1f MiB at start, %.1f MiB at end%n",
                resultCount, THREADS, seconds, resultCount / seconds, churnCount, changeCount, byOutcome,
                withoutCpuHandlers, withoutChurnedHandler,
                heapBefore / 1048576.0, heapAfter / 1048576.0);

        assertEquals("every request has its result", REQUESTS, resultCount);
        assertEquals("no result for someone else's request", REQUESTS, distinctIds);
        assertTrue("all " + (WARM_UP + REQUESTS) + " outcome events arrived", allEvents);
        assertEquals("exactly one outcome event per request", List.of(), eventsNotOnce);
        assertEquals("no request reached a phase twice", List.of(), phasesNotOnce);
        assertEquals("no two requests inside the handlers at once", 0, overlaps.get());
        assertEquals("the results' run times never overlap", List.of(), overlappingRuns);
        assertEquals(CHURNS, churnCount);
        assertEquals(CONFIG_CHANGES, changeCount);
        assertTrue("the heap grew from " + heapBefore + " to " + heapAfter + " bytes",
                heapAfter - heapBefore < HEAP_GROWTH_LIMIT);
    }

    private static List<String> notOnce(Map<String, Integer> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue() != 1).map(e -> e.getKey() + "=" + e.getValue())
                .limit(10).toList();
    }

    /** {@code count} requests from {@link #THREADS} threads, each waiting for its result; every result releases the paces. */
    private List<HotplugResult> runRequests(String prefix, int count, Semaphore churnPace, Semaphore configPace)
            throws Exception {
        ExecutorService submitters = Executors.newFixedThreadPool(THREADS);
        List<Future<List<HotplugResult>>> perThread = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            perThread.add(submitters.submit(() -> {
                List<HotplugResult> mine = new ArrayList<>();
                for (int k = thread; k < count; k += THREADS) {
                    DeviceRef target = TARGETS.get(k % TARGETS.size());
                    HotplugRequest r = HotplugRequest.builder(k / TARGETS.size() % 2 == 0 ? Operation.OFFLINE
                            : Operation.ONLINE).id(prefix + "-" + k).target(target).build();
                    HotplugResult result = hotplug.submit(r).timeout(120_000).getValue();
                    assertEquals(r.id(), result.requestId());
                    mine.add(result);
                    churnPace.release();
                    configPace.release();
                }
                return mine;
            }));
        }
        List<HotplugResult> all = new ArrayList<>();
        for (Future<List<HotplugResult>> f : perThread) {
            all.addAll(f.get(300, TimeUnit.SECONDS));
        }
        submitters.shutdown();
        return all;
    }

    /** Uninstalls and reinstalls the handler bundles in turn, one cycle per 0.9% of the requests done. */
    private int churn(List<String> symbolicNames, Semaphore pace) throws Exception {
        int cycles = 0;
        for (int i = 0; i < CHURNS; i++) {
            pace.acquire(REQUESTS * 9 / 10 / CHURNS);
            Bundle b = bundle(symbolicNames.get(i % symbolicNames.size()));
            String location = b.getLocation();
            b.uninstall();
            context.installBundle(location).start();
            cycles++;
        }
        return cycles;
    }

    /** Changes the sequencer's and the memory handlers' configuration, one change per 4.5% of the requests done. */
    private int changeConfiguration(Semaphore pace) throws Exception {
        org.osgi.service.cm.Configuration sequencer = configAdmin.getConfiguration("org.syshotplug.sequencer", "?");
        org.osgi.service.cm.Configuration memory = configAdmin.getConfiguration("org.syshotplug.memory", "?");
        int changes = 0;
        for (int i = 0; i < CONFIG_CHANGES; i++) {
            pace.acquire(REQUESTS * 9 / 10 / CONFIG_CHANGES);
            Dictionary<String, Object> props = new Hashtable<>();
            if (i % 2 == 0) {
                props.put("queueCapacity", i % 4 == 0 ? 256 : 1024);
                props.put("handlerDeadlineMillis", i % 4 == 0 ? 20_000L : 30_000L);
                props.put("trace", Boolean.FALSE);
                props.put("journal", Boolean.FALSE);
                sequencer.update(props);
            } else {
                props.put("defaultOnlineZone", i % 4 == 1 ? "online_movable" : "online");
                props.put("removeMovableOnly", Boolean.FALSE);
                memory.update(props);
            }
            changes++;
        }
        return changes;
    }

    /**
     * Restarts the sequencer with {@code journal=false}: with it the run is bound by the journal's
     * fsyncs (5 per request here, about 2 minutes for 10,000 on this machine's disk), which the kill
     * test and the journal's own tests cover; this test is about concurrency and churn.
     */
    private HotplugService withoutJournal() throws Exception {
        org.osgi.service.cm.Configuration sequencer = configAdmin.getConfiguration("org.syshotplug.sequencer", "?");
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("journal", Boolean.FALSE);
        sequencer.update(props);
        Bundle b = bundle("org.syshotplug.sequencer");
        CountDownLatch registered = new CountDownLatch(1);
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                registered.countDown();
            }
        };
        context.addServiceListener(listener, "(objectClass=" + HotplugService.class.getName() + ")");
        b.stop();
        b.start();
        assertTrue("the sequencer came back", registered.await(60, TimeUnit.SECONDS));
        context.removeServiceListener(listener);
        ServiceReference<HotplugService> ref = context.getServiceReference(HotplugService.class);
        assertEquals(Boolean.FALSE, ref.getProperty("journal"));
        return context.getService(ref);
    }

    private void installRecorders() throws Exception {
        context.registerService(AtomicInteger.class, inside, new Hashtable<>(Map.of("ledger", "inside")));
        context.registerService(AtomicInteger.class, overlaps, new Hashtable<>(Map.of("ledger", "overlaps")));
        context.registerService(ConcurrentHashMap.class, calls, new Hashtable<>(Map.of("ledger", "calls")));
        for (String phase : List.of("validate", "execute")) {
            String location = TestBundles.handler("itest.overlap." + phase, OverlapRecorder.class).phase(phase)
                    .priority(phase.equals("validate") ? 1 : HandlerProperties.APPLICATION)
                    .reference("inside", AtomicInteger.class.getName(), "(ledger=inside)")
                    .reference("overlaps", AtomicInteger.class.getName(), "(ledger=overlaps)")
                    .reference("calls", ConcurrentHashMap.class.getName(), "(ledger=calls)")
                    .build();
            context.installBundle(location).start();
        }
        assertTrue("the recorders joined the chain",
                hotplug.handlers().stream().filter(h -> h.name().startsWith("itest.overlap.")).count() == 2);
    }

    private String installQuietHandler() throws Exception {
        String name = "itest.churned";
        context.installBundle(TestBundles.handler(name, QuietHandler.class).phase("execute")
                .priority(HandlerProperties.APPLICATION + 1).build()).start();
        return name;
    }

    private void listenForOutcomes() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, HotplugEvents.TOPIC_ALL);
        props.put(EventConstants.EVENT_FILTER, "(" + HotplugEvents.OUTCOME + "=*)");
        context.registerService(EventHandler.class, event -> {
            outcomeEvents.merge((String) event.getProperty(HotplugEvents.REQUEST_ID), 1, Integer::sum);
            allOutcomes.countDown();
        }, props);
    }

    /** Pairs of requests whose [started, finished] intervals overlap, among those that ran. */
    private static List<String> overlappingRuns(List<HotplugResult> results) {
        List<HotplugResult> ran = results.stream().filter(r -> !r.steps().isEmpty())
                .sorted(Comparator.comparing(HotplugResult::started)).toList();
        List<String> overlapping = new ArrayList<>();
        Instant lastEnd = Instant.MIN;
        String lastId = null;
        for (HotplugResult r : ran) {
            if (r.started().isBefore(lastEnd)) {
                overlapping.add(lastId + "/" + r.requestId());
            }
            if (r.finished().isAfter(lastEnd)) {
                lastEnd = r.finished();
                lastId = r.requestId();
            }
        }
        return overlapping.stream().limit(10).toList();
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }
}
