package org.syshotplug.acpi.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * The irreversible part of a remove: {@code echo 1 > /sys/bus/acpi/devices/<name>/eject}, which makes
 * the kernel run {@code _EJ0}. It is a commit step of band 100, and remove runs commit in descending
 * priority, so it comes after the CPU and memory handlers have offlined every device the object owns —
 * the graceful removal of drivers/acpi/scan.c: offline everything first, eject only then.
 *
 * <p>A successful write only means "started": {@code acpi_eject_store()} queues the hot-remove on the
 * kernel's hot-plug work queue and returns at once. The kernel then offlines the devices itself; when one
 * refuses (a memory block answers EBUSY) it puts back what it offlined and tells firmware "busy"
 * ({@code _OST} 0x82) — the write had still succeeded. So the handler waits (bounded) for the kernel's
 * result as sysfs shows it: the object's {@code _STA} reads not-present (a 6.1 kernel keeps the object,
 * with status 0, as the empty slot it now is), every Linux device the object had is gone, or (older
 * kernels) the object has left {@code /sys/bus/acpi/devices}. Otherwise it fails naming the
 * devices still there and the state they are in, read from sysfs, not taken from the write's return.
 * There is no event to wait on without netlink, hence polling.
 *
 * <p>Recovery re-runs a commit step that a crash interrupted, so an object already gone (or whose
 * {@code _STA} no longer says present) counts as ejected and is not written to again.
 */
@Component(service = HotplugHandler.class, name = AcpiEjectHandler.PID)
@Designate(ocd = AcpiEjectHandler.Config.class)
@HotplugHandlerRegistration(phase = "commit", priority = HandlerProperties.FIRMWARE_BUS,
        operations = {"remove"}, devices = {DeviceRef.ACPI, DeviceRef.CONTAINER})
public class AcpiEjectHandler implements HotplugHandler {

    static final String PID = "org.syshotplug.acpi.eject";

    private static final Logger LOG = LoggerFactory.getLogger(AcpiEjectHandler.class);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final Duration NOTE_EVERY = Duration.ofSeconds(2);
    private static final String ONLINE = "online";
    private static final String OFFLINE = "offline";

    @ObjectClassDefinition(name = "SysHotplug ACPI eject", description = "The irreversible eject step of a remove")
    public @interface Config {
        @AttributeDefinition(description = "How long to wait, after the kernel accepted an eject, for it to finish"
                + " (the object's status reads 0 or its devices are gone), in milliseconds; the handler call deadline"
                + " bounds it too")
        long completionTimeoutMillis() default 10_000;
    }

    @Reference
    SystemFiles files;

    private volatile Duration completionTimeout = Duration.ofSeconds(10);

    public AcpiEjectHandler() {
    }

    public AcpiEjectHandler(SystemFiles files) {
        this.files = files;
    }

    AcpiEjectHandler(SystemFiles files, Duration completionTimeout) {
        this.files = files;
        this.completionTimeout = completionTimeout;
    }

    @Activate
    @Modified
    void configure(Config config) {
        completionTimeout = Duration.ofMillis(Math.max(0, config.completionTimeoutMillis()));
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        List<DeviceRef> targets = FirmwareTargets.of(context);
        if (targets.isEmpty()) {
            return;
        }
        AcpiNamespace ns = FirmwareTargets.read(files, targets.get(0));
        List<AcpiObject> objects = new ArrayList<>();
        List<DeviceRef> refs = new ArrayList<>();
        int done = 0;
        for (DeviceRef target : targets) {
            AcpiObject o = ns.find(target).orElse(null);
            if (o == null || gone(o)) {
                // Validate saw it present, so it was ejected since: by this step before a restart,
                // which recovery re-runs, or by the firmware. Done either way; asking again would fail.
                LOG.info("request {}: {} is ejected already; nothing to do", context.request().id(), target.id());
                context.progress(target, ++done, targets.size(), target.id() + " ejected already");
                continue;
            }
            objects.add(o);
            refs.add(target);
        }
        HotplugException first = null;
        for (int i = 0; i < objects.size(); i++) {
            AcpiObject o = objects.get(i);
            // Ejecting an object takes everything below it; ejecting a child again would fail.
            if (objects.stream().anyMatch(other -> other != o && ns.isBelow(o, other))) {
                continue;
            }
            List<String> nodes = physicalNodes(ns, o);
            List<String> offlined = new ArrayList<>();
            try {
                offlineContainers(nodes, offlined);
                Map<String, String> before = states(nodes);
                LOG.info("request {}: ejecting {} ({})", context.request().id(), o.name(), FirmwareTargets.describe(o));
                try {
                    files.write(KernelPaths.acpiDevice(o.name(), "eject"), "1");
                } catch (SystemFileException e) {
                    if (e.errno() == Errno.ENODEV && ejected(o, nodes)) {
                        // The kernel's answer for an empty slot: the object went between validate and now.
                        LOG.info("request {}: {} is an empty slot already", context.request().id(), o.name());
                    } else {
                        throw e;
                    }
                }
                awaitEjected(context, refs.get(i), o, nodes, before, done, targets.size());
                done++;
                context.progress(refs.get(i), done, targets.size(), "ejected " + o.name()
                        + (nodes.isEmpty() ? "" : ": " + describeNodes(nodes) + " gone"));
            } catch (SystemFileException e) {
                HotplugException failure = HotplugException.failure(refs.get(i), e.errno(), "eject of " + o.name()
                        + " (" + FirmwareTargets.describe(o) + ") failed: " + e.getMessage() + writeAdvice(e.errno(), o), e);
                LOG.warn("request {}: {}", context.request().id(), failure.getMessage());
                onlineAgain(offlined);
                if (first == null) {
                    first = failure;
                }
            } catch (HotplugException e) {
                // Commit failures are reported, not undone: the other objects are still ejected.
                LOG.warn("request {}: {}", context.request().id(), e.getMessage());
                onlineAgain(offlined);
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * The container scan handler demands offline (drivers/acpi/container.c): the kernel's hot-remove of a
     * container fails with EBUSY unless user space has offlined every device below it and then the
     * container's own device, {@code /sys/devices/system/container/<name>/online}. The CPU and memory
     * handlers offlined the devices in execute; this takes the container devices offline, innermost first.
     */
    private void offlineContainers(List<String> nodes, List<String> offlined) throws SystemFileException {
        List<String> containers = new ArrayList<>();
        for (String node : nodes) {
            DeviceRef dev = AcpiNamespaceReader.osDevice(node);
            if (dev != null && dev.type().equals(DeviceRef.CONTAINER)) {
                containers.add(node);
            }
        }
        // physicalNodes lists parents before children; a container offlines only once those below it are.
        java.util.Collections.reverse(containers);
        for (String node : containers) {
            String online = KernelPaths.child(node, "online");
            if (files.exists(online) && !files.readValue(online).equals("0")) {
                files.write(online, "0");
                offlined.add(node);
            }
        }
    }

    /** After a failed eject, the container devices this step took offline go back online (best effort). */
    private void onlineAgain(List<String> offlined) {
        for (int i = offlined.size() - 1; i >= 0; i--) {
            String node = offlined.get(i);
            try {
                if (files.exists(node)) {
                    files.write(KernelPaths.child(node, "online"), "1");
                }
            } catch (SystemFileException e) {
                LOG.warn("could not bring container device {} back online: {}", node, e.getMessage());
            }
        }
        offlined.clear();
    }

    private static String writeAdvice(Errno errno, AcpiObject o) {
        if (errno == Errno.EBUSY) {
            return "; a device it owns is still online";
        }
        if (errno == Errno.ENODEV) {
            String profile = o.kind().profile();
            return "; the kernel answers so for an empty slot (status 0) or when ACPI hot-plug of the class is"
                    + " switched off" + (profile == null ? "" : " (" + HotplugProfiles.enabledPath(profile) + ")");
        }
        return "";
    }

    /**
     * Waits until the kernel's queued hot-remove has finished. Fails at the deadline, or as soon as a
     * device the kernel had taken offline is back online: that is the kernel undoing a refused eject.
     */
    private void awaitEjected(HandlerContext context, DeviceRef ref, AcpiObject o, List<String> nodes,
            Map<String, String> before, int done, int total) throws HotplugException {
        if (o.status().evaluated() || !nodes.isEmpty()) {
            context.progress(ref, done, total, "eject of " + o.name() + " started; waiting for the kernel to remove "
                    + (nodes.isEmpty() ? "it" : describeNodes(nodes)));
        } else {
            // No _STA and no Linux device: nothing in sysfs changes when the kernel is done, so the
            // accepted write is all there is to wait for, unless the object leaves the bus folder.
            LOG.info("request {}: {} has no _STA and no devices; the accepted eject is taken as done",
                    context.request().id(), o.name());
            return;
        }
        long start = System.nanoTime();
        long limit = completionTimeout.toNanos();
        long nextNote = NOTE_EVERY.toNanos();
        Map<String, String> seenOffline = new LinkedHashMap<>();
        while (!gone(o)) {
            long waited = System.nanoTime() - start;
            // The states read each round also answer whether every device is gone (ejected's other test),
            // so each device's folder is looked up once a round, not twice.
            Map<String, String> now = states(nodes);
            if (!nodes.isEmpty() && now.isEmpty()) {
                return;
            }
            for (String node : nodes) {
                String was = before.get(node);
                String is = now.get(node);
                if (is == null) {
                    continue;
                }
                if (isOnline(was) && is.startsWith(OFFLINE)) {
                    // Only a state read as offline counts: a read that failed mid-removal says nothing.
                    seenOffline.put(node, is);
                } else if (isOnline(is) && (seenOffline.containsKey(node) || (isOnline(was) && !was.equals(is)))) {
                    // Offline then online again, or online in another zone (the kernel's undo onlines a
                    // memory block into the default zone, whatever zone it was in): the eject was undone.
                    throw HotplugException.failure(ref, Errno.EBUSY, "eject of " + o.name() + " ("
                            + FirmwareTargets.describe(o) + ") was started but the kernel put " + label(node)
                            + " back " + is + ": a device refused to go offline, so the kernel undid the eject and"
                            + " told firmware busy (_OST 0x82); still present: " + present(nodes, now)
                            + changed(before, now) + "; the kernel log (dmesg) names the device, e.g. 'Offline failed.'",
                            null);
                }
            }
            if (waited >= limit || context.expired()) {
                throw HotplugException.failure(ref, Errno.EBUSY, "eject of " + o.name() + " ("
                        + FirmwareTargets.describe(o) + ") was started but did not complete within "
                        + waited / 1_000_000 + " ms: " + (nodes.isEmpty() ? "" : "still present: " + present(nodes, now)
                        + changed(before, now) + "; ") + "status " + statusNow(o) + "; the kernel log (dmesg) says"
                        + " why, e.g. 'Offline failed.' when a memory block refused (EBUSY), or 'Eject incomplete'", null);
            }
            if (waited >= nextNote) {
                nextNote += NOTE_EVERY.toNanos();
                context.progress(ref, done, total, "still waiting for the kernel to eject " + o.name() + " ("
                        + waited / 1_000_000 + " ms): " + present(nodes, now));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw HotplugException.failure(ref, Errno.ECANCELED, "interrupted while waiting for the eject of "
                        + o.name() + " to complete", e);
            }
        }
    }

    /**
     * The kernel is done with the object: it left the bus folder (older kernels), its _STA no longer says
     * present (6.1 keeps the object as an empty slot), or every Linux device it had is gone.
     */
    private boolean ejected(AcpiObject o, List<String> nodes) {
        if (gone(o)) {
            return true;
        }
        if (nodes.isEmpty()) {
            return false;
        }
        for (String node : nodes) {
            if (files.exists(node)) {
                return false;
            }
        }
        return true;
    }

    /** drivers/acpi/scan.c removes (older kernels) or keeps with _STA 0 (6.1) the device object after _EJ0. */
    private boolean gone(AcpiObject o) {
        if (!files.exists(KernelPaths.acpiDevice(o.name()))) {
            return true;
        }
        String status = KernelPaths.acpiDevice(o.name(), "status");
        try {
            return files.exists(status) && (Integer.parseInt(files.readValue(status)) & AcpiStatus.PRESENT) == 0;
        } catch (SystemFileException | NumberFormatException e) {
            return false;
        }
    }

    private String statusNow(AcpiObject o) {
        String status = KernelPaths.acpiDevice(o.name(), "status");
        if (!files.exists(status)) {
            return "- (no _STA)";
        }
        try {
            return AcpiStatus.of(Integer.parseInt(files.readValue(status))).describe();
        } catch (SystemFileException | NumberFormatException e) {
            return "unreadable";
        }
    }

    /** The Linux devices of the object and of everything below it, as their sysfs folders. */
    private static List<String> physicalNodes(AcpiNamespace ns, AcpiObject top) {
        List<String> out = new ArrayList<>();
        for (AcpiObject x : ns.subtree(top)) {
            for (String node : x.physicalNodes()) {
                if (!out.contains(node)) {
                    out.add(node);
                }
            }
        }
        return out;
    }

    /** Each device's state as sysfs shows it now; a device that is gone has none. */
    private Map<String, String> states(List<String> nodes) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String node : nodes) {
            if (files.exists(node)) {
                out.put(node, state(node));
            }
        }
        return out;
    }

    /** {@code online}, {@code offline}, {@code online (zone Normal)}, {@code present}. */
    private String state(String node) {
        DeviceRef dev = AcpiNamespaceReader.osDevice(node);
        try {
            if (dev != null && dev.type().equals(DeviceRef.CPU)) {
                String online = KernelPaths.cpu(dev.numericId(), "online");
                // The boot CPU has no online file: it cannot be taken offline.
                return !files.exists(online) ? ONLINE : files.readValue(online).equals("0") ? OFFLINE : ONLINE;
            }
            if (dev != null && dev.type().equals(DeviceRef.MEMORY)) {
                String state = files.readValue(KernelPaths.memoryBlock(dev.numericId(), "state"));
                String zones = KernelPaths.memoryBlock(dev.numericId(), "valid_zones");
                if (!files.exists(zones)) {
                    return state;
                }
                String z = files.readValue(zones).replace(' ', ',');
                return state + (state.equals(ONLINE) ? " (zone " + z + ")" : " (zones " + z + ")");
            }
        } catch (SystemFileException e) {
            return "unreadable (" + e.errno().name() + ")";
        }
        String online = KernelPaths.child(node, "online");
        if (dev != null && dev.type().equals(DeviceRef.CONTAINER) && files.exists(online)) {
            try {
                return files.readValue(online).equals("0") ? OFFLINE : ONLINE;
            } catch (SystemFileException e) {
                return "unreadable (" + e.errno().name() + ")";
            }
        }
        return "present";
    }

    private static boolean isOnline(String state) {
        return state != null && (state.equals(ONLINE) || state.startsWith(ONLINE + " "));
    }

    private static String present(List<String> nodes, Map<String, String> now) {
        List<String> parts = new ArrayList<>();
        for (String node : nodes) {
            String state = now.get(node);
            if (state != null) {
                parts.add(label(node) + " " + state);
            }
        }
        return parts.isEmpty() ? "no device" : String.join(", ", parts);
    }

    /**
     * The devices whose state differs from before the write, e.g. a memory block the kernel's undo put
     * back into ZONE_NORMAL from Movable, where kernel allocations may pin it from now on.
     */
    private static String changed(Map<String, String> before, Map<String, String> now) {
        List<String> parts = new ArrayList<>();
        boolean leftMovable = false;
        for (Map.Entry<String, String> e : before.entrySet()) {
            String is = now.get(e.getKey());
            if (is != null && !is.equals(e.getValue())) {
                parts.add(label(e.getKey()) + " was " + e.getValue() + ", is " + is);
                leftMovable |= e.getValue().contains("Movable") && isOnline(is) && !is.contains("Movable");
            }
        }
        if (parts.isEmpty()) {
            return "";
        }
        return "; changed by the kernel's attempt: " + String.join(", ", parts) + (leftMovable
                ? " (the kernel puts a block back with plain online, so it left ZONE_MOVABLE and may no longer be"
                        + " removable)" : "");
    }

    /** {@code cpu1}, {@code memory33}, or the folder's last name for any other device. */
    private static String label(String node) {
        return node.substring(node.lastIndexOf('/') + 1);
    }

    private static String describeNodes(List<String> nodes) {
        return String.join(" ", nodes.stream().map(AcpiEjectHandler::label).toList());
    }
}
