package org.syshotplug.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.StepRecord;
import org.syshotplug.platform.sim.MachineControl;
import org.syshotplug.platform.SystemFiles;

/**
 * Requests on a whole NUMA node through the real bundles and DS: the simulated two-node x86 machine
 * ({@code x86-acpi-numa}: node 0 = CPUs 0-1 and blocks 0-7, node 1 = container {@code ACPI0004:00}
 * with {@code _PXM} 1 holding CPUs 2-3 and blocks 8-15 in ZONE_MOVABLE).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class NodeHotplugTest {

    private static final String NODE = "/sys/devices/system/node";
    private static final String CONTAINER = "/sys/bus/acpi/devices/ACPI0004:00";
    private static final List<String> CHAIN = List.of("org.syshotplug.node.firmware", "org.syshotplug.node.resources",
            "org.syshotplug.acpi.bus", "org.syshotplug.acpi.resources", "org.syshotplug.acpi.eject",
            "org.syshotplug.memory.validate", "org.syshotplug.memory.online", "org.syshotplug.cpu.validate",
            "org.syshotplug.cpu.online");

    @Inject
    private BundleContext context;

    @Inject
    private HotplugService hotplug;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return options(RuntimeOptions.runtime(), RuntimeOptions.syshotplugBundles(),
                RuntimeOptions.reactorBundle("node-bundle"));
    }

    /** Switches the platform to the two-node machine and waits (on service events) until the chain is back on it. */
    @Before
    public void twoNodeMachine() throws Exception {
        org.osgi.service.cm.Configuration platform = configAdmin.getConfiguration("org.syshotplug.platform", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("profile", "x86-acpi-numa");
        awaitServices(() -> platform.update(props), () -> files().describe().contains("x86-acpi-numa")
                && handlerNames().containsAll(CHAIN) && inventory("node").size() == 2);
    }

    @Test
    public void offlineNodeOneTakesEveryCpuAndBlockDownInDeclaredOrderAndOnlineBringsItBack() throws Exception {
        HotplugResult offline = submit(Operation.OFFLINE, "node:1");

        assertEquals(offline.summary(), Outcome.SUCCEEDED, offline.outcome());
        assertEquals("node:1 became its blocks and CPUs", devices("memory:8-15", "cpu:2-3"),
                new ArrayList<>(offline.devices()));
        assertEquals("tear-down: CPUs first, then memory", List.of("org.syshotplug.cpu.online",
                "org.syshotplug.memory.online"), executed(offline));
        assertEquals("0-1", files().readValue("/sys/devices/system/cpu/online"));
        for (int b = 8; b <= 15; b++) {
            assertEquals("memory" + b, "offline", files().readValue("/sys/devices/system/memory/memory" + b + "/state"));
        }
        assertEquals("0", files().readValue(NODE + "/has_cpu"));
        assertEquals("0", files().readValue(NODE + "/has_memory"));
        assertEquals("0", files().readValue(NODE + "/has_normal_memory"));
        assertEquals("", files().readValue(NODE + "/node1/cpulist"));
        // The kernel keeps a node in N_ONLINE while its CPUs and blocks are present, offline or not:
        // only removing them (try_offline_node) takes it out — see removeNodeOne... below.
        assertEquals("0-1", files().readValue(NODE + "/online"));

        HotplugResult online = submit(Operation.ONLINE, "node:1");

        assertEquals(online.summary(), Outcome.SUCCEEDED, online.outcome());
        assertEquals("bring-up: memory first, then CPUs", List.of("org.syshotplug.memory.online",
                "org.syshotplug.cpu.online"), executed(online));
        assertEquals("0-3", files().readValue("/sys/devices/system/cpu/online"));
        assertEquals("0-1", files().readValue(NODE + "/has_cpu"));
        assertEquals("0-1", files().readValue(NODE + "/has_memory"));
        assertEquals("node 1's memory came back movable (movable_node)", "Movable",
                files().readValue("/sys/devices/system/memory/memory8/valid_zones"));
        assertEquals("2-3", files().readValue(NODE + "/node1/cpulist"));
    }

    @Test
    public void oneUnmovableBlockInNodeOneRollsTheWholeNodeBackAndNamesTheBlock() throws Exception {
        MachineControl machine = service(MachineControl.class);
        machine.setUnmovable(12, true);
        Map<String, String> before = snapshot();

        HotplugResult result = submit(Operation.OFFLINE, "node:1");

        assertEquals(result.summary(), Outcome.ROLLED_BACK, result.outcome());
        assertNotNull(result.summary(), result.error());
        assertEquals(DeviceRef.memory(12), result.error().device());
        assertTrue(result.error().message(), result.error().message().contains("12"));
        assertEquals("nothing changed", before, snapshot());
    }

    @Test
    public void removeNodeOneEjectsItsContainerAndTheInventoriesShowTheNodeGone() throws Exception {
        HotplugResult remove = submit(Operation.REMOVE, "node:1");

        assertEquals(remove.summary(), Outcome.SUCCEEDED, remove.outcome());
        assertTrue("the node became its container: " + remove.devices(),
                remove.devices().contains(DeviceRef.of("container", "ACPI0004:00")));
        assertTrue("the container was ejected in commit: " + remove.steps(), remove.steps().stream().anyMatch(
                s -> s.phase() == Phase.COMMIT && s.handler().equals("org.syshotplug.acpi.eject")
                        && s.status() == StepRecord.Status.OK));
        // The kernel keeps an ejected ACPI object; _STA now says it is absent.
        assertEquals("ejected: firmware reports the container absent", "0", files().readValue(CONTAINER + "/status"));
        assertEquals("0", files().readValue(NODE + "/online"));
        assertFalse("node1 left sysfs with its last device", files().exists(NODE + "/node1"));
        assertEquals("0-1", files().readValue(NODE + "/possible"));
        assertEquals("0-1", files().readValue("/sys/devices/system/cpu/present"));

        Map<String, String> nodes = inventory("node");
        assertEquals("online", nodes.get("node:0"));
        assertEquals("offline", nodes.get("node:1"));
        assertEquals(List.of("cpu:0", "cpu:1"), new ArrayList<>(inventory("cpu").keySet()));
        assertEquals(8, inventory("memory").size());
        assertFalse(inventory("memory").containsKey("memory:8"));
    }

    @Test
    public void offlineNodeZeroIsRefusedNamingTheBootCpu() throws Exception {
        Map<String, String> before = snapshot();

        HotplugResult result = submit(Operation.OFFLINE, "node:0");

        assertEquals(result.summary(), Outcome.REJECTED, result.outcome());
        assertFalse("a hard veto, force cannot skip it", result.error().overridable());
        assertTrue(result.error().message(), result.error().message().contains("CPU 0, the boot CPU"));
        assertEquals(before, snapshot());
    }

    @Test
    public void removeNodeZeroIsRefusedNamingTheBootCpuEvenWithForce() throws Exception {
        HotplugResult result = hotplug.submit(HotplugRequest.builder(Operation.REMOVE).target(DeviceRef.parse("node:0"))
                .force(true).build()).timeout(60_000).getValue();

        assertEquals(result.summary(), Outcome.REJECTED, result.outcome());
        assertTrue(result.error().message(), result.error().message().contains("boot CPU"));
        assertTrue(files().exists("/sys/devices/system/cpu/cpu1"));
    }

    @Test
    public void aMemoryLessNodeGoesOfflineAndOnlineWithItsCpusAlone() throws Exception {
        HotplugResult dimm = submit(Operation.REMOVE, "acpi:PNP0C80:01");
        assertEquals(dimm.summary(), Outcome.SUCCEEDED, dimm.outcome());
        assertEquals("0", files().readValue(NODE + "/has_memory"));

        HotplugResult offline = submit(Operation.OFFLINE, "node:1");

        assertEquals(offline.summary(), Outcome.SUCCEEDED, offline.outcome());
        assertEquals(devices("cpu:2-3"), new ArrayList<>(offline.devices()));
        assertEquals("0", files().readValue(NODE + "/has_cpu"));
        assertEquals("its CPUs are still present", "0-1", files().readValue(NODE + "/online"));

        HotplugResult online = submit(Operation.ONLINE, "node:1");

        assertEquals(online.summary(), Outcome.SUCCEEDED, online.outcome());
        assertEquals("0-1", files().readValue(NODE + "/has_cpu"));
    }

    // ---- helpers

    private HotplugResult submit(Operation op, String device) throws Exception {
        return hotplug.submit(HotplugRequest.of(op, DeviceRef.parse(device))).timeout(60_000).getValue();
    }

    private static List<String> executed(HotplugResult r) {
        return r.steps().stream().filter(s -> s.phase() == Phase.EXECUTE).map(StepRecord::handler).toList();
    }

    /** {@code memory:8-15} style shorthand for the expected device list. */
    private static List<DeviceRef> devices(String... ranges) {
        List<DeviceRef> out = new ArrayList<>();
        for (String r : ranges) {
            String type = r.substring(0, r.indexOf(':'));
            String[] span = r.substring(r.indexOf(':') + 1).split("-");
            for (int i = Integer.parseInt(span[0]); i <= Integer.parseInt(span[1]); i++) {
                out.add(DeviceRef.of(type, Integer.toString(i)));
            }
        }
        return out;
    }

    /** Everything a node request could change: CPU and block states, zones, node masks, ACPI presence. */
    private Map<String, String> snapshot() throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        for (String mask : List.of("online", "has_cpu", "has_memory", "has_normal_memory")) {
            s.put(mask, files().readValue(NODE + "/" + mask));
        }
        s.put("cpus online", files().readValue("/sys/devices/system/cpu/online"));
        for (int b = 0; b < 16; b++) {
            String block = "/sys/devices/system/memory/memory" + b;
            s.put("memory" + b, files().readValue(block + "/state") + " " + files().readValue(block + "/valid_zones"));
        }
        s.put("container", Boolean.toString(files().exists(CONTAINER)));
        return s;
    }

    private SystemFiles files() {
        return service(SystemFiles.class);
    }

    private <T> T service(Class<T> type) {
        ServiceReference<T> ref = context.getServiceReference(type);
        assertNotNull("no " + type.getSimpleName() + " service", ref);
        return context.getService(ref);
    }

    private Map<String, String> inventory(String type) {
        try {
            Collection<ServiceReference<DeviceInventory>> refs = context.getServiceReferences(DeviceInventory.class,
                    "(" + DeviceInventory.DEVICE_TYPE + "=" + type + ")");
            if (refs.isEmpty()) {
                return Map.of();
            }
            List<DeviceInfo> list = context.getService(refs.iterator().next()).devices();
            return list.stream().collect(Collectors.toMap(d -> d.ref().toString(), DeviceInfo::state,
                    (a, b) -> a, LinkedHashMap::new));
        } catch (Exception e) {
            return Map.of();
        }
    }

    private List<String> handlerNames() {
        return hotplug.handlers().stream().map(h -> h.name()).toList();
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action}, then re-checks {@code done} at every service event until it holds (60 s at most). */
    private void awaitServices(Action action, BooleanSupplier done) throws Exception {
        Semaphore events = new Semaphore(0);
        ServiceListener listener = e -> events.release();
        context.addServiceListener(listener);
        try {
            action.run();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!holds(done)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !events.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                    throw new AssertionError("the runtime did not come up on the two-node machine within 60 s;"
                            + " handlers: " + handlerNames());
                }
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private static boolean holds(BooleanSupplier done) {
        try {
            return done.getAsBoolean();
        } catch (RuntimeException | AssertionError e) {
            // a service in the middle of being replaced: the next service event re-checks
            return false;
        }
    }
}
