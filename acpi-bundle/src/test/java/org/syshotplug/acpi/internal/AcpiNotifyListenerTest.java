package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.util.promise.Deferred;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.platform.PlatformEvents;

class AcpiNotifyListenerTest {

    /** Keeps every submitted request pending until the test resolves it. */
    static final class PendingService implements HotplugService {
        final List<HotplugRequest> submitted = new ArrayList<>();
        final List<Deferred<HotplugResult>> results = new ArrayList<>();

        @Override
        public synchronized Promise<HotplugResult> submit(HotplugRequest request) {
            submitted.add(request);
            Deferred<HotplugResult> d = new Deferred<>();
            results.add(d);
            return d.getPromise();
        }

        void finish(int index) {
            HotplugRequest r = submitted.get(index);
            results.get(index).resolve(new HotplugResult(r, Outcome.SUCCEEDED, r.targets(), List.of(), null,
                    Instant.now(), Instant.now()));
        }

        @Override
        public boolean cancel(String requestId) {
            return false;
        }

        @Override
        public List<RequestStatus> requests() {
            return List.of();
        }

        @Override
        public List<HotplugResult> history(int max) {
            return List.of();
        }

        @Override
        public List<HandlerInfo> handlers() {
            return List.of();
        }
    }

    static Event notification(String device, int value) {
        return new Event(PlatformEvents.ACPI_NOTIFY, Map.of(PlatformEvents.DEVICE, device, PlatformEvents.NOTIFY, value));
    }

    PendingService service = new PendingService();
    AcpiNotifyListener listener = new AcpiNotifyListener(service);

    @Test
    void ejectRequestBecomesOneRemoveRequestFromAcpi() {
        listener.handleEvent(notification("ACPI0004:00", 0x03));

        assertEquals(1, service.submitted.size());
        HotplugRequest r = service.submitted.get(0);
        assertEquals(Operation.REMOVE, r.operation());
        assertEquals(List.of(DeviceRef.of("acpi", "ACPI0004:00")), r.targets());
        assertEquals("acpi", r.origin());
        assertEquals("eject-request", r.parameter("notify"));
    }

    @Test
    void deviceCheckAndBusCheckBecomeAddRequests() {
        listener.handleEvent(notification("ACPI0007:02", 0x01));
        listener.handleEvent(notification("ACPI0004:00", 0x00));

        assertEquals(List.of(Operation.ADD, Operation.ADD), service.submitted.stream().map(HotplugRequest::operation).toList());
        assertEquals("bus-check", service.submitted.get(1).parameter("notify"));
    }

    @Test
    void repeatedNotificationWhileItsRequestIsPendingIsDropped() {
        listener.handleEvent(notification("ACPI0004:00", 0x03));
        listener.handleEvent(notification("ACPI0004:00", 0x03));

        assertEquals(1, service.submitted.size());
    }

    @Test
    void notificationAfterThePreviousRequestEndedIsSubmittedAgain() {
        listener.handleEvent(notification("ACPI0004:00", 0x03));
        service.finish(0);
        listener.handleEvent(notification("ACPI0004:00", 0x03));

        assertEquals(2, service.submitted.size());
    }

    @Test
    void otherNotifyValuesAndBadNamesSubmitNothing() {
        listener.handleEvent(notification("ACPI0004:00", 0x80));
        listener.handleEvent(notification("../../etc", 0x03));
        listener.handleEvent(new Event(PlatformEvents.ACPI_NOTIFY, Map.of(PlatformEvents.DEVICE, "ACPI0004:00")));

        assertTrue(service.submitted.isEmpty());
    }

    @Test
    void configurationCanTurnEachMappingOff() {
        listener.configure(new AcpiNotifyListener.Config() {
            @Override
            public boolean checksAdd() {
                return false;
            }

            @Override
            public boolean ejectRequestsRemove() {
                return true;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return AcpiNotifyListener.Config.class;
            }
        });

        listener.handleEvent(notification("ACPI0007:02", 0x01));
        listener.handleEvent(notification("ACPI0004:00", 0x03));

        assertEquals(List.of(Operation.REMOVE), service.submitted.stream().map(HotplugRequest::operation).toList());
    }
}
