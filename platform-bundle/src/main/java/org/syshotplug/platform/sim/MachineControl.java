package org.syshotplug.platform.sim;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.PlatformEvents;

/**
 * Fault injection and firmware events on the simulated machine. Registered only by the simulated
 * platform, so tests and demos can ask for it and a real machine never offers it. It lives in the
 * platform bundle, not in the framework API: handler bundles must not depend on a simulator.
 */
@ProviderType
public interface MachineControl {

    /** Makes the next access (once) or every access (until cleared) to {@code path} fail with {@code errno}. */
    void injectErrno(String path, Errno errno, boolean once);

    /** Makes every access to {@code path} take at least {@code delay} (a slow firmware call). */
    void injectDelay(String path, Duration delay);

    /** Removes every injected errno and delay (the cpuhp {@code fail} files are kernel state, not faults). */
    void clearFaults();

    /** Marks a memory block as holding unmovable pages: offlining it answers EBUSY, as the kernel does. */
    void setUnmovable(int block, boolean unmovable);

    /**
     * Raises an ACPI notification on a device object ({@code 0x00} bus check, {@code 0x01} device check,
     * {@code 0x03} eject request), posted as {@link PlatformEvents#ACPI_NOTIFY}.
     */
    void notifyAcpi(String kernelName, int value);

    /** Posts a pseries hot-plug error log (the RTAS event body) as {@link PlatformEvents#RTAS_HOTPLUG}. */
    void raiseHotplugErrorLog(byte[] section);
}
