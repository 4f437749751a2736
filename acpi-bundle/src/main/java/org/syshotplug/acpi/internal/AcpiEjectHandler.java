package org.syshotplug.acpi.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * <p>The kernel's {@code acpi_eject_store()} only queues the hot-remove on its hot-plug work queue and
 * returns, so a successful write does not mean the object is gone: the handler then waits (bounded) until
 * the object has left {@code /sys/bus/acpi/devices} or its {@code _STA} no longer says present, and
 * reports an eject that did not complete. There is no event to wait on without netlink, hence polling.
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

    @ObjectClassDefinition(name = "SysHotplug ACPI eject", description = "The irreversible eject step of a remove")
    public @interface Config {
        @AttributeDefinition(description = "How long to wait for the kernel to finish an eject (milliseconds); "
                + "the handler call deadline bounds it too")
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
            try {
                LOG.info("request {}: ejecting {} ({})", context.request().id(), o.name(), FirmwareTargets.describe(o));
                files.write(KernelPaths.acpiDevice(o.name(), "eject"), "1");
                awaitGone(context, refs.get(i), o);
                done++;
                context.progress(refs.get(i), done, targets.size(), "ejected " + o.name());
            } catch (SystemFileException e) {
                HotplugException failure = HotplugException.failure(refs.get(i), e.errno(), "eject of " + o.name()
                        + " (" + FirmwareTargets.describe(o) + ") failed: " + e.getMessage()
                        + (e.errno() == Errno.EBUSY ? "; a device it owns is still online" : ""), e);
                LOG.warn("request {}: {}", context.request().id(), failure.getMessage());
                if (first == null) {
                    first = failure;
                }
            } catch (HotplugException e) {
                // Commit failures are reported, not undone: the other objects are still ejected.
                LOG.warn("request {}: {}", context.request().id(), e.getMessage());
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void awaitGone(HandlerContext context, DeviceRef ref, AcpiObject o) throws HotplugException {
        long start = System.nanoTime();
        long limit = completionTimeout.toNanos();
        while (!gone(o)) {
            long waited = System.nanoTime() - start;
            if (waited >= limit || context.expired()) {
                throw HotplugException.failure(ref, Errno.EBUSY, "eject of " + o.name() + " ("
                        + FirmwareTargets.describe(o) + ") did not complete within " + waited / 1_000_000
                        + " ms: the object is still present; the kernel log (dmesg) says why, e.g. an offline"
                        + " failure or 'Eject incomplete'", null);
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

    /** drivers/acpi/scan.c removes the device object after _EJ0; firmware clears _STA's present bit. */
    private boolean gone(AcpiObject o) {
        String status = KernelPaths.acpiDevice(o.name(), "status");
        if (!files.exists(KernelPaths.acpiDevice(o.name()))) {
            return true;
        }
        try {
            return files.exists(status) && (Integer.parseInt(files.readValue(status)) & AcpiStatus.PRESENT) == 0;
        } catch (SystemFileException | NumberFormatException e) {
            return false;
        }
    }
}
