package org.syshotplug.platform.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.sim.MachineControl;

/**
 * {@code hotplug:acpinotify}: on the simulated machine, plays the firmware and raises an ACPI
 * notification, which the ACPI bundle's notify listener turns into a request like any other. It
 * lives here, next to the simulator, so that no product bundle needs {@link MachineControl}; on a
 * real machine the command stays and says why it cannot work.
 */
@Component(service = SimulatorCommands.class, property = {"osgi.command.scope=hotplug",
        "osgi.command.function=acpinotify"})
public class SimulatorCommands {

    // ACPI 6.5, 5.6.6 "Device Object Notifications".
    static final int BUS_CHECK = 0x00;
    static final int DEVICE_CHECK = 0x01;
    static final int EJECT_REQUEST = 0x03;

    /** Offered by the simulated platform only. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile MachineControl machine;

    @Descriptor("simulated machine only: raise an ACPI notification on a device object, as firmware would;"
            + " the resulting request shows in hotplug:requests and hotplug:history")
    public String acpinotify(
            @Descriptor("kernel ACPI device name, e.g. ACPI0004:00") String device,
            @Descriptor("eject-request (0x03), device-check (0x01), bus-check (0x00), or a number") String value) {
        MachineControl control = machine;
        if (control == null) {
            throw new IllegalStateException("only the simulated machine can raise ACPI notifications; on a real machine"
                    + " they come from firmware (see the org.syshotplug.acpi.uevent configuration)");
        }
        try {
            KernelPaths.acpiDevice(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + "; list the objects with hotplug:acpi", e);
        }
        int notify = notifyValue(value);
        control.notifyAcpi(device, notify);
        return "raised " + notifyName(notify) + " (0x" + Integer.toHexString(notify) + ") on " + device;
    }

    static int notifyValue(String text) {
        switch (text) {
            case "eject-request":
                return EJECT_REQUEST;
            case "device-check":
                return DEVICE_CHECK;
            case "bus-check":
                return BUS_CHECK;
            default:
                try {
                    int v = text.startsWith("0x") ? Integer.parseInt(text.substring(2), 16) : Integer.parseInt(text);
                    if (v >= 0 && v <= 0xFF) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("unknown notification '" + text.replaceAll("\\p{Cc}", "?")
                        + "': expected eject-request, device-check, bus-check or a value 0x00-0xff");
        }
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
