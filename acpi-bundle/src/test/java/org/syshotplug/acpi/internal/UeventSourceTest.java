package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.syshotplug.platform.PlatformEvents;

class UeventSourceTest {

    /**
     * What {@code udevadm monitor --kernel --property} prints, in the layout of systemd's udevadm-monitor.c:
     * an eject request on a container with online CPUs, a CPU going offline, and a container announced online.
     * Written for this test (the build VM has no udev), not captured.
     */
    static final String MONITOR_OUTPUT = """
            monitor will print the received events for:
            KERNEL - the kernel uevent

            KERNEL[1042.118273] change   /devices/system/container/ACPI0004:00 (container)
            ACTION=change
            DEVPATH=/devices/system/container/ACPI0004:00
            SUBSYSTEM=container
            EVENT=offline
            SEQNUM=2216

            KERNEL[1042.201111] offline  /devices/system/cpu/cpu2 (cpu)
            ACTION=offline
            DEVPATH=/devices/system/cpu/cpu2
            SUBSYSTEM=cpu
            SEQNUM=2217

            KERNEL[1050.000001] online   /devices/system/container/PNP0A06:01 (container)
            ACTION=online
            DEVPATH=/devices/system/container/PNP0A06:01
            SUBSYSTEM=container
            SEQNUM=2230
            """;

    static final class CapturingEventAdmin implements EventAdmin {
        final List<Event> posted = new ArrayList<>();

        @Override
        public synchronized void postEvent(Event event) {
            posted.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            postEvent(event);
        }
    }

    @Test
    void parserSplitsBlocksAndKeepsProperties() {
        List<Uevent> events = Uevent.Parser.parseAll(MONITOR_OUTPUT.lines().toList());

        assertEquals(3, events.size());
        assertEquals("offline", events.get(0).get("EVENT"));
        assertEquals("2217", events.get(1).get("SEQNUM"));
    }

    @Test
    void containerOfflineRequestIsAnEjectRequestAndOnlineADeviceCheck() {
        List<Uevent> events = Uevent.Parser.parseAll(MONITOR_OUTPUT.lines().toList());

        assertEquals(new Uevent.Notification("ACPI0004:00", 0x03), events.get(0).notification().orElseThrow());
        assertTrue(events.get(1).notification().isEmpty());
        assertEquals(new Uevent.Notification("PNP0A06:01", 0x01), events.get(2).notification().orElseThrow());
    }

    @Test
    void containerPathWithAnInvalidNameIsIgnored() {
        Uevent u = Uevent.Parser.parseAll(List.of("ACTION=change", "SUBSYSTEM=container",
                "DEVPATH=/devices/system/container/..", "EVENT=offline")).get(0);

        assertTrue(u.notification().isEmpty());
    }

    @Test
    void monitorOutputBecomesAcpiNotifyEvents(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("monitor.txt");
        Files.writeString(out, MONITOR_OUTPUT);
        CapturingEventAdmin admin = new CapturingEventAdmin();
        UeventSource source = new UeventSource(admin);

        source.start(List.of("cat", out.toString()));
        source.awaitEnd();

        assertEquals(2, admin.posted.size());
        Event eject = admin.posted.get(0);
        assertEquals(PlatformEvents.ACPI_NOTIFY, eject.getTopic());
        assertEquals("ACPI0004:00", eject.getProperty(PlatformEvents.DEVICE));
        assertEquals(3, eject.getProperty(PlatformEvents.NOTIFY));
    }

    @Test
    void missingMonitorToolIsReportedWithWhatToDo() {
        UeventSource source = new UeventSource(new CapturingEventAdmin());

        IOException e = assertThrows(IOException.class, () -> source.start(List.of("/nonexistent/udevadm", "monitor")));

        assertTrue(e.getMessage().contains("udevadm"), e.getMessage());
    }
}
