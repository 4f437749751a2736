package org.syshotplug.platform.sim;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The firmware side of an x86 QEMU machine, in the words QEMU's own monitor uses, so one hot-plug
 * script drives a real guest (through QMP) and the simulated {@code x86-acpi-qemu} machine alike:
 * {@code device_add qemu64-x86_64-cpu,socket-id=0,core-id=1,thread-id=0,id=cpu1},
 * {@code object_add memory-backend-ram,id=mem1,size=256M}, {@code device_add pc-dimm,id=dimm1,memdev=mem1},
 * {@code device_del cpu1}. What the guest kernel answered comes back the way QEMU reports it: ACPI
 * {@code _OST} reports (QMP {@code ACPI_DEVICE_OST}) and the kernel log.
 */
@ProviderType
public interface QemuMonitor {

    /**
     * Runs one human-monitor command and returns what QEMU printed: empty when it printed nothing,
     * else its text (an error is {@code "Error: ..."}, as QEMU prints it).
     */
    String hmp(String command);

    /**
     * The {@code _OST} reports the guest kernel made to firmware since the last call, oldest first,
     * each as {@code slot-type=CPU slot=1 source=0x103 status=0x0 device=cpu1} ({@code device=-} once
     * QEMU no longer knows the device). Source 0x1 insertion, 0x3 eject request, 0x103 OSPM eject;
     * status 0x0 success, 0x80 eject not supported, 0x82 device busy, 0x84 eject in progress.
     */
    List<String> takeOstReports();

    /** The kernel log lines since the last call, without timestamps, as {@code dmesg -c} prints them. */
    List<String> takeKernelLog();
}
