package org.syshotplug.acpi.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.platform.PlatformEvents;

/**
 * On a real kernel, ACPI notifications reach user space only as uevents, and plain Java has no netlink
 * socket. This source runs a uevent monitor as a child process (by default
 * {@code udevadm monitor --kernel --property --subsystem-match=container}), reads its output, and posts
 * each container offline request or online announcement as {@link PlatformEvents#ACPI_NOTIFY}, the same
 * event the simulated machine raises, so {@link AcpiNotifyListener} turns both into requests.
 *
 * <p>Off unless configured (PID {@value #PID}): it needs udev's tool, which a minimal guest such as
 * the build VM does not have.
 */
@Component(name = UeventSource.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = UeventSource.Config.class)
public class UeventSource {

    static final String PID = "org.syshotplug.acpi.uevent";

    private static final Logger LOG = LoggerFactory.getLogger(UeventSource.class);

    @ObjectClassDefinition(name = "SysHotplug ACPI uevent source",
            description = "Reads kernel uevents through a monitor process and posts container eject requests")
    public @interface Config {
        @AttributeDefinition(description = "The monitor command and its arguments; it must print uevents as "
                + "'udevadm monitor --kernel --property' does")
        String[] command() default {"udevadm", "monitor", "--kernel", "--property", "--subsystem-match=container"};
    }

    @Reference
    EventAdmin events;

    private volatile Process process;
    private volatile Thread reader;

    public UeventSource() {
    }

    UeventSource(EventAdmin events) {
        this.events = events;
    }

    @Activate
    void activate(Config config) throws IOException {
        start(List.of(config.command()));
    }

    /** Starts the monitor; its output is read on a daemon thread until it ends or {@link #stop()}. */
    void start(List<String> command) throws IOException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty uevent monitor command: configure " + PID + " command");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot start the uevent monitor " + command + ": " + e.getMessage()
                    + " (install udev's udevadm, or remove the " + PID + " configuration)", e);
        }
        process = p;
        Thread t = new Thread(() -> read(p), "hotplug-acpi-uevents");
        t.setDaemon(true);
        reader = t;
        t.start();
        LOG.info("reading kernel uevents from {} (pid {})", command, p.pid());
    }

    @Deactivate
    void stop() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    /** Waits for the reader to finish the monitor's output (for tests with a finite command). */
    void awaitEnd() throws InterruptedException {
        Thread t = reader;
        if (t != null) {
            t.join();
        }
    }

    private void read(Process p) {
        Uevent.Parser parser = new Uevent.Parser();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                parser.line(line).ifPresent(this::post);
            }
            parser.flush().ifPresent(this::post);
        } catch (IOException e) {
            LOG.warn("uevent monitor output ended: {}", e.getMessage());
        }
        LOG.info("uevent monitor (pid {}) ended", p.pid());
    }

    private void post(Uevent uevent) {
        uevent.notification().ifPresent(n -> {
            LOG.info("uevent {} {} on {}: posting ACPI notification 0x{}", uevent.get("ACTION"),
                    uevent.get("EVENT") == null ? "" : uevent.get("EVENT"), n.device(), Integer.toHexString(n.value()));
            events.postEvent(new Event(PlatformEvents.ACPI_NOTIFY,
                    Map.of(PlatformEvents.DEVICE, n.device(), PlatformEvents.NOTIFY, n.value())));
        });
    }
}
