package org.syshotplug.platform.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.sim.MachineControl;
import org.syshotplug.shell.CommandHelp;

/**
 * {@code hotplug:acpinotify}: on the simulated machine, plays the firmware and raises an ACPI
 * notification, which the ACPI bundle's notify listener turns into a request like any other. It
 * lives here, next to the simulator, so that no product bundle needs {@link MachineControl}; on a
 * real machine the command stays and says why it cannot work. {@code hotplug:qemu} is the QEMU
 * monitor of the simulated {@code x86-acpi-qemu} machine.
 */
@Component(service = SimulatorCommands.class, property = {"osgi.command.scope=hotplug",
        "osgi.command.function=acpinotify", "osgi.command.function=qemu"})
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
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("device: kernel ACPI device name (ACPI0004:00), then the notification: eject-request (0x03),"
                    + " device-check (0x01), bus-check (0x00) or a number") String... deviceAndValue) {
        if (help) {
            return CommandHelp.render(SimulatorCommands.class, "hotplug", "acpinotify").stripTrailing();
        }
        if (deviceAndValue.length != 2) {
            throw new IllegalArgumentException("name a device and a notification, e.g. hotplug:acpinotify ACPI0004:00"
                    + " eject-request");
        }
        return acpinotify(deviceAndValue[0], deviceAndValue[1]);
    }

    String acpinotify(String device, String value) {
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

    @Descriptor("simulated x86-acpi-qemu machine only: a QEMU monitor command (device_add, device_del, object_add,"
            + " object_del); prints QEMU's answer, then the _OST reports and kernel log lines once the guest kernel"
            + " handled it")
    public String qemu(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("the monitor command, e.g. device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1")
            String... words) {
        if (help) {
            return CommandHelp.render(SimulatorCommands.class, "hotplug", "qemu").stripTrailing();
        }
        if (words.length == 0) {
            throw new IllegalArgumentException("give a monitor command, e.g. hotplug:qemu device_del cpu1");
        }
        return qemu(String.join(" ", words));
    }

    String qemu(String command) {
        MachineControl control = machine;
        org.syshotplug.platform.internal.sim.SimulatedMachine sim = control instanceof SimulatedPlatform p ? p.machine()
                : control instanceof org.syshotplug.platform.internal.sim.SimulatedMachine m ? m : null;
        org.syshotplug.platform.sim.QemuMonitor monitor = sim == null ? null : sim.qemuMonitor().orElse(null);
        if (monitor == null) {
            throw new IllegalStateException("only the simulated x86-acpi-qemu machine has a QEMU monitor (profile "
                    + "x86-acpi-qemu)");
        }
        List<String> out = new ArrayList<>();
        String answer = monitor.hmp(command.replaceAll("\\p{Cc}", " "));
        if (!answer.isEmpty()) {
            out.add(answer);
        }
        try {
            if (!sim.awaitHotplugIdle(java.time.Duration.ofSeconds(10))) {
                out.add("(the guest kernel is still busy)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String ost : monitor.takeOstReports()) {
            out.add("_OST " + ost);
        }
        for (String line : monitor.takeKernelLog()) {
            out.add("kernel: " + line);
        }
        return String.join("\n", out);
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
