package org.syshotplug.acpi.internal;

import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.util.promise.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.PlatformEvents;

/**
 * Turns ACPI notifications into hot-plug requests with origin {@code acpi}: a device check (0x01) or
 * bus check (0x00) into an add of the object, an eject request (0x03) into a remove (ACPI 6.5, 5.6.6).
 * The sequencer posts each request's result on EventAdmin. Firmware may repeat a notification while the
 * request for it is still queued or running; the repeat is dropped so one notification makes one request.
 */
@Component(service = EventHandler.class, name = AcpiNotifyListener.PID,
        property = EventConstants.EVENT_TOPIC + "=" + PlatformEvents.ACPI_NOTIFY)
@Designate(ocd = AcpiNotifyListener.Config.class)
public class AcpiNotifyListener implements EventHandler {

    static final String PID = "org.syshotplug.acpi.notify";

    public static final int BUS_CHECK = 0x00;
    public static final int DEVICE_CHECK = 0x01;
    public static final int EJECT_REQUEST = 0x03;

    private static final Logger LOG = LoggerFactory.getLogger(AcpiNotifyListener.class);

    @ObjectClassDefinition(name = "SysHotplug ACPI notifications",
            description = "Which ACPI notifications become hot-plug requests")
    public @interface Config {
        @AttributeDefinition(description = "Device check (0x01) and bus check (0x00) submit an add request")
        boolean checksAdd() default true;

        @AttributeDefinition(description = "Eject request (0x03) submits a remove request")
        boolean ejectRequestsRemove() default true;
    }

    @Reference
    HotplugService hotplug;

    /** The request each notification submitted, by operation and device, while it may still be pending. */
    private final Map<String, Promise<HotplugResult>> pending = new ConcurrentHashMap<>();
    private volatile boolean checksAdd = true;
    private volatile boolean ejectRequestsRemove = true;

    public AcpiNotifyListener() {
    }

    public AcpiNotifyListener(HotplugService hotplug) {
        this.hotplug = hotplug;
    }

    @Activate
    @Modified
    void configure(Config config) {
        checksAdd = config.checksAdd();
        ejectRequestsRemove = config.ejectRequestsRemove();
    }

    @Override
    public void handleEvent(Event event) {
        Object device = event.getProperty(PlatformEvents.DEVICE);
        Object notify = event.getProperty(PlatformEvents.NOTIFY);
        if (!(device instanceof String name) || !(notify instanceof Number value)) {
            LOG.warn("ignoring ACPI notification without a device name and a notify value: {}", event);
            return;
        }
        notify(name, value.intValue());
    }

    /**
     * Submits the request a notification calls for.
     *
     * @return the request's promise, or empty if the notification asks for nothing or repeats a pending one
     */
    public Optional<Promise<HotplugResult>> notify(String deviceName, int value) {
        Optional<Operation> operation = operationFor(value);
        if (operation.isEmpty()) {
            LOG.debug("ACPI notification 0x{} on {} needs no hot-plug request", Integer.toHexString(value), deviceName);
            return Optional.empty();
        }
        DeviceRef device;
        try {
            device = DeviceRef.of(DeviceRef.ACPI, deviceName);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring ACPI notification 0x{}: {}", Integer.toHexString(value), e.getMessage());
            return Optional.empty();
        }
        String key = operation.get().word() + " " + device.id();
        HotplugRequest request = HotplugRequest.builder(operation.get()).target(device).origin("acpi")
                .parameter("notify", notifyName(value)).build();
        AtomicReference<Promise<HotplugResult>> submitted = new AtomicReference<>();
        // compute() runs atomically per key: two notifications racing for one device submit once.
        pending.compute(key, (k, previous) -> {
            if (previous != null && !previous.isDone()) {
                return previous;
            }
            LOG.info("ACPI {} on {}: submitting {}", notifyName(value), deviceName, request);
            submitted.set(hotplug.submit(request));
            return submitted.get();
        });
        if (submitted.get() == null) {
            LOG.info("ACPI notification 0x{} on {} repeats a pending {} request; not submitted again",
                    Integer.toHexString(value), deviceName, operation.get().word());
            return Optional.empty();
        }
        return Optional.of(submitted.get());
    }

    Optional<Operation> operationFor(int value) {
        return switch (value) {
            case BUS_CHECK, DEVICE_CHECK -> checksAdd ? Optional.of(Operation.ADD) : Optional.empty();
            case EJECT_REQUEST -> ejectRequestsRemove ? Optional.of(Operation.REMOVE) : Optional.empty();
            default -> Optional.empty();
        };
    }

    static String notifyName(int value) {
        return switch (value) {
            case BUS_CHECK -> "bus-check";
            case DEVICE_CHECK -> "device-check";
            case EJECT_REQUEST -> "eject-request";
            default -> "0x" + Integer.toHexString(value);
        };
    }
}
