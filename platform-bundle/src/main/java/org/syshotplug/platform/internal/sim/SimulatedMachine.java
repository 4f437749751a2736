package org.syshotplug.platform.internal.sim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.PlatformEvents;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.sim.MachineControl;

/**
 * An in-memory machine that answers the kernel's paths with the kernel's values and errnos. The
 * devices come from a {@link SimProfile} that populates a {@link SysfsTree}; this class adds the
 * {@link SystemFiles} access rules (path checks, EISDIR/ENOTDIR/ENOENT/EACCES) and the
 * {@link MachineControl} faults. Thread-safe: every access runs under the tree lock, except an
 * injected delay, which is slept before taking it.
 */
public final class SimulatedMachine implements SystemFiles, MachineControl {

    private record Fault(Errno errno, boolean once) {
    }

    private final SysfsTree tree;
    private final SimConfig config;
    private final String description;
    private final Map<String, Fault> errnoFaults = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final List<SimEvents> listeners = new CopyOnWriteArrayList<>();

    private SimulatedMachine(SimConfig config) {
        this.config = config;
        this.tree = new SysfsTree(this::post);
        SimProfile profile = SimProfiles.byName(config.profile());
        profile.populate(tree, config);
        this.description = "simulated " + profile.describe(config);
    }

    /** A machine of any registered profile. */
    public static SimulatedMachine create(SimConfig config) {
        return new SimulatedMachine(config);
    }

    /** The {@code x86-acpi} machine: {@code cpus} CPUs and {@code memoryBlocks} blocks, all present and online. */
    public static SimulatedMachine x86Acpi(int cpus, int memoryBlocks) {
        return create(SimConfig.x86Acpi(cpus, memoryBlocks));
    }

    /** The {@code x86-acpi} machine with a richer configuration (empty CPU slots, nodes, block size...). */
    public static SimulatedMachine x86Acpi(SimConfig config) {
        return create(config.toBuilder().profile(X86AcpiProfile.NAME).build());
    }

    public SimConfig config() {
        return config;
    }

    /** The tree, for profiles' device models and tests that look inside. */
    public SysfsTree tree() {
        return tree;
    }

    /**
     * The QEMU monitor of a machine that models QEMU's side ({@code x86-acpi-qemu}); empty for the
     * other profiles.
     */
    public java.util.Optional<org.syshotplug.platform.sim.QemuMonitor> qemuMonitor() {
        return java.util.Optional.ofNullable(tree.model(QemuMachine.class));
    }

    /**
     * Waits until the kernel's ACPI hot-plug workqueue is idle: the work an {@code eject} write, a
     * QEMU {@code device_add}/{@code device_del} or a firmware notification queued has finished.
     *
     * @return false if {@code timeout} passed first
     */
    public boolean awaitHotplugIdle(Duration timeout) throws InterruptedException {
        return tree.hotplugQueue().awaitIdle(timeout);
    }

    /**
     * Runs {@code listener} after every item of hot-plug work, on the worker and before
     * {@link #awaitHotplugIdle} returns: the machine changed after the write that queued the work.
     */
    public void onHotplugWork(Runnable listener) {
        tree.hotplugQueue().afterWork(listener);
    }

    /** The kernel log lines since the last call, oldest first ({@code dmesg -c}). */
    public List<String> takeKernelLog() {
        return tree.kernelLog().take();
    }

    /** Receives every firmware event (ACPI notify, RTAS error log); the OSGi component forwards them to EventAdmin. */
    public void addListener(SimEvents listener) {
        listeners.add(listener);
    }

    public void removeListener(SimEvents listener) {
        listeners.remove(listener);
    }

    // ---- SystemFiles

    @Override
    public String read(String path) throws SystemFileException {
        return access(path, null, false, a -> a.readText());
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return access(path, null, false, a -> a.readBytes());
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        if (value == null) {
            throw new IllegalArgumentException("null value for " + path);
        }
        access(path, value, true, a -> {
            a.write(value);
            return null;
        });
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        KernelPaths.requireSafe(directory);
        before(directory);
        tree.lock().lock();
        try {
            injected(directory, null);
            SimNode node = tree.resolve(directory, true);
            if (!(node instanceof SimDirectory d)) {
                throw new KernelErrno(Errno.ENOTDIR);
            }
            return d.names();
        } catch (KernelErrno e) {
            throw failure(e, directory, null);
        } finally {
            tree.lock().unlock();
        }
    }

    @Override
    public boolean exists(String path) {
        KernelPaths.requireSafe(path);
        return tree.locked(() -> tree.lookup(path) != null);
    }

    @Override
    public boolean isDirectory(String path) {
        KernelPaths.requireSafe(path);
        return tree.locked(() -> tree.lookup(path) instanceof SimDirectory);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        KernelPaths.requireSafe(path);
        before(path);
        tree.lock().lock();
        try {
            injected(path, null);
            SimNode node = tree.resolve(path, false);
            if (!(node instanceof SimLink link)) {
                throw new KernelErrno(Errno.EINVAL, "not a symbolic link");
            }
            return link.target();
        } catch (KernelErrno e) {
            throw failure(e, path, null);
        } finally {
            tree.lock().unlock();
        }
    }

    @Override
    public String describe() {
        return description;
    }

    // ---- MachineControl

    @Override
    public void injectErrno(String path, Errno errno, boolean once) {
        errnoFaults.put(KernelPaths.requireSafe(path), new Fault(errno, once));
    }

    @Override
    public void injectDelay(String path, Duration delay) {
        delays.put(KernelPaths.requireSafe(path), delay);
    }

    @Override
    public void clearFaults() {
        errnoFaults.clear();
        delays.clear();
    }

    @Override
    public void setUnmovable(int block, boolean unmovable) {
        SimMemory memory = tree.model(SimMemory.class);
        if (memory == null) {
            throw new IllegalStateException(description + " has no memory blocks");
        }
        tree.locked(() -> memory.setUnmovable(block, unmovable));
    }

    @Override
    public void notifyAcpi(String kernelName, int value) {
        KernelPaths.acpiDevice(kernelName);
        post(PlatformEvents.ACPI_NOTIFY, Map.of(PlatformEvents.DEVICE, kernelName, PlatformEvents.NOTIFY, value));
    }

    @Override
    public void raiseHotplugErrorLog(byte[] section) {
        post(PlatformEvents.RTAS_HOTPLUG, Map.of(PlatformEvents.ERROR_LOG, section.clone()));
    }

    /**
     * Firmware inserts the hardware behind an absent ACPI object (an empty CPU slot such as
     * {@code ACPI0007:05}, or an ejected container): its devices appear as the kernel's rescan
     * would create them (CPUs offline, memory as {@code auto_online_blocks} says), then the
     * notification firmware raises (0x01 device check, 0x00 bus check for a container) is posted.
     */
    public void insertAcpiDevice(String kernelName) {
        KernelPaths.acpiDevice(kernelName);
        AcpiNamespace ns = tree.model(AcpiNamespace.class);
        if (ns == null) {
            throw new IllegalStateException(description + " has no ACPI namespace");
        }
        int notify = tree.locked(() -> ns.insert(kernelName));
        notifyAcpi(kernelName, notify);
    }

    /**
     * Arms {@code cpuN/hotplug/fail} at the state called {@code stateName} (as writing its number
     * would), so the next transition through it fails with EAGAIN and rolls back.
     */
    public void failCpuhpState(int cpu, String stateName) throws SystemFileException {
        SimCpus cpus = tree.model(SimCpus.class);
        int number = cpus == null ? -1 : cpus.states().numberOf(stateName);
        if (number < 0) {
            throw new IllegalArgumentException("no cpuhp state named '" + stateName + "'");
        }
        write(KernelPaths.cpu(cpu, "hotplug/fail"), Integer.toString(number));
    }

    // ---- internals

    @FunctionalInterface
    private interface AttributeAccess<T> {
        T apply(SimAttribute attribute) throws KernelErrno;
    }

    private <T> T access(String path, String value, boolean write, AttributeAccess<T> action)
            throws SystemFileException {
        KernelPaths.requireSafe(path);
        before(path);
        tree.lock().lock();
        try {
            SimNode node = tree.resolve(path, true);
            injected(path, node);
            if (node instanceof SimDirectory) {
                throw new KernelErrno(Errno.EISDIR);
            }
            SimAttribute attribute = (SimAttribute) node;
            if (write ? !attribute.writable() : !attribute.readable()) {
                throw new KernelErrno(Errno.EACCES, write ? "attribute is read-only" : "attribute is write-only");
            }
            return action.apply(attribute);
        } catch (KernelErrno e) {
            throw failure(e, path, value);
        } finally {
            tree.lock().unlock();
        }
    }

    private void before(String path) {
        Duration delay = delays.get(path);
        if (delay != null && !delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** An injected errno on the path as asked, or on the node it resolves to. */
    private void injected(String path, SimNode node) throws KernelErrno {
        if (errnoFaults.isEmpty()) {
            return;
        }
        String key = errnoFaults.containsKey(path) ? path
                : node != null && errnoFaults.containsKey(node.path()) ? node.path() : null;
        if (key == null) {
            return;
        }
        Fault fault = key == null ? null : errnoFaults.get(key);
        if (fault.once()) {
            errnoFaults.remove(key, fault);
        }
        throw new KernelErrno(fault.errno(), "injected fault");
    }

    private static SystemFileException failure(KernelErrno e, String path, String value) {
        return new SystemFileException(e.errno(), path, value, e.detail(), null);
    }

    private void post(String topic, Map<String, Object> properties) {
        for (SimEvents l : listeners) {
            l.post(topic, properties);
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
