package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.syshotplug.platform.sim.QemuMonitor;

/**
 * QEMU's side of the {@code x86-acpi-qemu} machine: the CPU cores and DIMMs plugged (each with the
 * id {@code device_add} gave it), the memory backends, and the {@code _OST} reports the guest made.
 * {@code device_add} plugs the hardware and raises a device check the guest handles on its hot-plug
 * workqueue; {@code device_del} raises an eject request; the guest's {@code _EJ0} takes the device
 * away, after which QEMU reports {@code _OST} without a device name. Errors are QEMU 10's texts.
 * Runs under the tree lock (the monitor's calls take it; _OST and _EJ0 arrive from work that holds it).
 */
public final class QemuMachine implements QemuMonitor, AcpiNamespace.AcpiFirmware, FirmwareState {

    static final String CPU_DRIVER = "qemu64-x86_64-cpu";
    static final String BOOT_CPU_PATH = "/machine/unattached/device[0]";

    private record Dimm(String id, int slot, long addr, long size, String memdev) {
    }

    private final SysfsTree tree;
    private final AcpiNamespace ns;
    private final long blockSize;
    /** core-id to device id (core 0 is the boot CPU, which has none). */
    private final Map<Integer, String> cores = new TreeMap<>();
    private final Map<String, Long> backends = new LinkedHashMap<>();
    private final Map<Integer, Dimm> dimms = new TreeMap<>();
    private final List<String> ost = new ArrayList<>();

    QemuMachine(SysfsTree tree, AcpiNamespace ns, long blockSize) {
        this.tree = tree;
        this.ns = ns;
        this.blockSize = blockSize;
        cores.put(0, "");
    }

    @Override
    public String hmp(String command) {
        String line = command == null ? "" : command.strip();
        int space = line.indexOf(' ');
        String word = space < 0 ? line : line.substring(0, space);
        String args = space < 0 ? "" : line.substring(space + 1).strip();
        return tree.locked(() -> {
            try {
                switch (word) {
                    case "device_add" -> deviceAdd(args);
                    case "device_del" -> deviceDel(args);
                    case "object_add" -> objectAdd(args);
                    case "object_del" -> objectDel(args);
                    default -> {
                        return "unknown command: '" + word + "'";
                    }
                }
                return "";
            } catch (QemuError e) {
                return "Error: " + e.getMessage();
            }
        });
    }

    @Override
    public List<String> takeOstReports() {
        synchronized (ost) {
            List<String> out = List.copyOf(ost);
            ost.clear();
            return out;
        }
    }

    @Override
    public List<String> takeKernelLog() {
        return tree.kernelLog().take();
    }

    // ---- firmware side

    @Override
    public void ost(AcpiNamespace.AcpiObject object, int source, int status) {
        String hid = object.hid();
        boolean cpu = "LNXCPU".equals(hid);
        if (!cpu && !"PNP0C80".equals(hid)) {
            return; // QEMU's _OST registers exist only for its CPU and memory slots
        }
        int slot = slotOf(object);
        String device = cpu ? cores.get(slot) : dimms.containsKey(slot) ? dimms.get(slot).id() : null;
        String report = "slot-type=" + (cpu ? "CPU" : "DIMM") + " slot=" + slot + " source=0x"
                + Integer.toHexString(source) + " status=0x" + Integer.toHexString(status) + " device="
                + (device == null || device.isEmpty() ? "-" : device);
        synchronized (ost) {
            ost.add(report);
        }
    }

    @Override
    public void ej0(AcpiNamespace.AcpiObject object) {
        int slot = slotOf(object);
        if ("LNXCPU".equals(object.hid())) {
            if (slot != 0) {
                cores.remove(slot);
            }
        } else if ("PNP0C80".equals(object.hid())) {
            dimms.remove(slot);
        }
    }

    private static int slotOf(AcpiNamespace.AcpiObject object) {
        String name = object.kernelName();
        return Integer.parseInt(name.substring(name.indexOf(':') + 1), 16);
    }

    // ---- state file: QEMU's side, so a restarted machine has the same devices with the same ids

    @Override
    public boolean owns(String kind) {
        return kind.startsWith("qemu-");
    }

    /**
     * {@code qemu-backend <id> <size>}, {@code qemu-core <core> <id|-> <cpu>} (the CPU number the
     * kernel gave it), {@code qemu-dimm <slot> <id|-> <addr> <size> <memdev>}.
     */
    @Override
    public List<String> save() {
        List<String> lines = new ArrayList<>();
        backends.forEach((id, size) -> lines.add("qemu-backend " + id + " " + size));
        for (Map.Entry<Integer, String> c : cores.entrySet()) {
            if (c.getKey() != 0) {
                List<Integer> cpus = ns.object(AcpiNamespace.name("LNXCPU", c.getKey())).cpus();
                lines.add("qemu-core " + c.getKey() + " " + (c.getValue().isEmpty() ? "-" : c.getValue()) + " "
                        + (cpus.isEmpty() ? -1 : cpus.get(0)));
            }
        }
        for (Dimm d : dimms.values()) {
            lines.add("qemu-dimm " + d.slot() + " " + (d.id().isEmpty() ? "-" : d.id()) + " " + d.addr() + " "
                    + d.size() + " " + d.memdev());
        }
        return lines;
    }

    @Override
    public void restore(List<String[]> lines) throws java.io.IOException {
        try {
            tree.locked(() -> {
                for (String[] f : lines) {
                    switch (f[0]) {
                        case "qemu-backend" -> backends.put(f[1], Long.parseLong(f[2]));
                        case "qemu-core" -> {
                            int core = Integer.parseInt(f[1]);
                            cores.put(core, "-".equals(f[2]) ? "" : f[2]);
                            ns.insertDynamic(AcpiNamespace.name("LNXCPU", core), List.of(), Integer.parseInt(f[3]));
                        }
                        case "qemu-dimm" -> {
                            Dimm d = new Dimm("-".equals(f[2]) ? "" : f[2], Integer.parseInt(f[1]), Long.parseLong(f[3]),
                                    Long.parseLong(f[4]), f[5]);
                            dimms.put(d.slot(), d);
                            ns.insertDynamic(AcpiNamespace.name("PNP0C80", d.slot()), blocksOf(d.addr(), d.size()));
                        }
                        default -> throw new IllegalArgumentException("unknown line " + String.join(" ", f));
                    }
                }
            });
        } catch (RuntimeException e) {
            throw new java.io.IOException("QEMU state does not fit an x86-acpi-qemu machine: " + e.getMessage(), e);
        }
    }

    private List<Integer> blocksOf(long addr, long size) {
        List<Integer> blocks = new ArrayList<>();
        for (long a = addr; a + blockSize <= addr + size; a += blockSize) {
            blocks.add((int) (a / blockSize));
        }
        return blocks;
    }

    // ---- monitor words

    private static final class QemuError extends Exception {
        QemuError(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code driver,key=value,...} as QemuOpts reads it (the first item may be {@code driver=}). */
    private static Map<String, String> options(String args, String firstKey) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] items = args.isEmpty() ? new String[0] : args.split(",");
        for (int i = 0; i < items.length; i++) {
            int eq = items[i].indexOf('=');
            if (eq < 0) {
                out.put(i == 0 ? firstKey : items[i], i == 0 ? items[i] : "on");
            } else {
                out.put(items[i].substring(0, eq), items[i].substring(eq + 1));
            }
        }
        return out;
    }

    private void deviceAdd(String args) throws QemuError {
        Map<String, String> o = options(args, "driver");
        String driver = o.getOrDefault("driver", "");
        String id = o.get("id");
        if (driver.isEmpty()) {
            throw new QemuError("Parameter 'driver' is missing");
        }
        if (!driver.equals(CPU_DRIVER) && !driver.equals("pc-dimm")) {
            throw new QemuError("'" + driver + "' is not a valid device model name");
        }
        if (id != null && (cores.containsValue(id) || dimms.values().stream().anyMatch(d -> d.id().equals(id)))) {
            throw new QemuError("Duplicate device ID '" + id + "'");
        }
        if (driver.equals(CPU_DRIVER)) {
            addCpu(o, id);
        } else {
            addDimm(o, id);
        }
    }

    private static int intOption(Map<String, String> o, String key) throws QemuError {
        String v = o.get(key);
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new QemuError("Parameter '" + key + "' expects int64");
        }
    }

    /** hw/i386/x86-common.c x86_cpu_pre_plug, its checks in its order. */
    private void addCpu(Map<String, String> o, String id) throws QemuError {
        int socket = intOption(o, "socket-id");
        int core = intOption(o, "core-id");
        int thread = intOption(o, "thread-id");
        if (socket < 0) {
            throw new QemuError("CPU socket-id is not set");
        } else if (socket > 0) {
            throw new QemuError("Invalid CPU socket-id: " + socket + " must be in range 0:0");
        }
        int maxCore = X86AcpiQemuProfile.POSSIBLE_CPUS - 1;
        if (core < 0) {
            throw new QemuError("CPU core-id is not set");
        } else if (core > maxCore) {
            throw new QemuError("Invalid CPU core-id: " + core + " must be in range 0:" + maxCore);
        }
        if (thread < 0) {
            throw new QemuError("CPU thread-id is not set");
        } else if (thread > 0) {
            throw new QemuError("Invalid CPU thread-id: " + thread + " must be in range 0:0");
        }
        if (cores.containsKey(core)) {
            throw new QemuError("CPU[" + core + "] with APIC ID " + core + " exists");
        }
        cores.put(core, id == null ? "" : id);
        String object = AcpiNamespace.name("LNXCPU", core);
        tree.hotplugQueue().queue(() -> {
            ns.insertDynamic(object, List.of());
            ost(ns.object(object), 0x1, AcpiNamespace.OST_SUCCESS);
        });
    }

    /** hw/mem/pc-dimm.c pc_dimm_pre_plug and hw/mem/memory-device.c: lowest free slot, first free address. */
    private void addDimm(Map<String, String> o, String id) throws QemuError {
        String memdev = o.get("memdev");
        if (memdev == null) {
            throw new QemuError("'memdev' property is not set");
        }
        Long size = backends.get(memdev);
        if (size == null) {
            throw new QemuError("Property 'pc-dimm.memdev' can't find value '" + memdev + "'");
        }
        if (dimms.values().stream().anyMatch(d -> d.memdev().equals(memdev))) {
            throw new QemuError("can't use already busy memdev: " + memdev);
        }
        int slot = 0;
        while (dimms.containsKey(slot)) {
            slot++;
        }
        if (slot >= X86AcpiQemuProfile.DIMM_SLOTS) {
            throw new QemuError("no free slots left");
        }
        long used = dimms.values().stream().mapToLong(Dimm::size).sum();
        if (used + size > X86AcpiQemuProfile.DEVICE_MEMORY) {
            throw new QemuError("not enough space, currently 0x" + Long.toHexString(used)
                    + " in use of total space for memory devices 0x" + Long.toHexString(X86AcpiQemuProfile.DEVICE_MEMORY));
        }
        long addr = X86AcpiQemuProfile.DEVICE_MEMORY_BASE;
        for (Dimm d : dimms.values().stream().sorted((a, b) -> Long.compare(a.addr(), b.addr())).toList()) {
            if (addr + size <= d.addr()) {
                break;
            }
            addr = Math.max(addr, d.addr() + d.size());
        }
        if (addr + size > X86AcpiQemuProfile.DEVICE_MEMORY_BASE + X86AcpiQemuProfile.DEVICE_MEMORY) {
            throw new QemuError("could not find position in guest address space for memory device - memory "
                    + "fragmented or too small");
        }
        dimms.put(slot, new Dimm(id == null ? "" : id, slot, addr, size, memdev));
        List<Integer> blocks = blocksOf(addr, size);
        String object = AcpiNamespace.name("PNP0C80", slot);
        tree.hotplugQueue().queue(() -> {
            ns.insertDynamic(object, blocks);
            ost(ns.object(object), 0x1, AcpiNamespace.OST_SUCCESS);
        });
    }

    private void deviceDel(String args) throws QemuError {
        String id = args.strip();
        if (id.isEmpty()) {
            throw new QemuError("Parameter 'id' is missing");
        }
        if (id.equals(BOOT_CPU_PATH)) {
            throw new QemuError("Boot CPU is unpluggable");
        }
        String bare = id.startsWith("/machine/peripheral/") ? id.substring("/machine/peripheral/".length()) : id;
        for (Map.Entry<Integer, String> c : cores.entrySet()) {
            if (!c.getValue().isEmpty() && c.getValue().equals(bare)) {
                ns.ejectRequest(AcpiNamespace.name("LNXCPU", c.getKey()));
                return;
            }
        }
        for (Dimm d : dimms.values()) {
            if (!d.id().isEmpty() && d.id().equals(bare)) {
                ns.ejectRequest(AcpiNamespace.name("PNP0C80", d.slot()));
                return;
            }
        }
        throw new QemuError("Device '" + id + "' not found");
    }

    private void objectAdd(String args) throws QemuError {
        Map<String, String> o = options(args, "qom-type");
        String type = o.getOrDefault("qom-type", "");
        String id = o.get("id");
        if (!type.equals("memory-backend-ram")) {
            throw new QemuError("invalid object type: " + type);
        }
        if (id == null) {
            throw new QemuError("Parameter 'id' is missing");
        }
        if (backends.containsKey(id)) {
            throw new QemuError("attempt to add duplicate property '" + id + "' to object (type 'container')");
        }
        long size = size(o.get("size"));
        if (size <= 0) {
            throw new QemuError("can't create backend with size 0");
        }
        backends.put(id, size);
    }

    private void objectDel(String args) throws QemuError {
        String id = args.strip();
        if (!backends.containsKey(id)) {
            throw new QemuError("object '" + id + "' not found");
        }
        if (dimms.values().stream().anyMatch(d -> d.memdev().equals(id))) {
            throw new QemuError("object '" + id + "' is in use, can not be deleted");
        }
        backends.remove(id);
    }

    /** qemu_strtosz: a number with an optional B/K/M/G/T suffix (bytes without one). */
    private static long size(String v) throws QemuError {
        if (v == null || v.isEmpty()) {
            return 0;
        }
        String t = v.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = t.charAt(t.length() - 1);
        int shift = "BKMGTPE".indexOf(last);
        if (shift >= 0) {
            unit = 1L << (10 * shift);
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(t), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new QemuError("Parameter 'size' expects a non-negative number below 2^64");
        }
    }
}
