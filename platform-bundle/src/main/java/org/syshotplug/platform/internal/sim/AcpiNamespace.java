package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.PlatformEvents;

/**
 * The ACPI namespace of the x86 machine as drivers/acpi/scan.c shows it: every device object a
 * folder nested in its parent's folder under {@code /sys/devices/LNXSYSTM:00}, a link to it in
 * {@code /sys/bus/acpi/devices}, attributes {@code hid}, {@code path}, {@code uid}, {@code adr},
 * {@code status} (only where _STA exists), {@code eject} (only where _EJ0 exists) and
 * {@code physical_node*} links to the Linux devices. Objects whose _STA says "not present" have
 * no folder, as acpi_bus_scan skips them.
 *
 * <p>Layout: boot memory devices {@code PNP0C80}, processors {@code ACPI0007:NN} (NN = the CPU
 * number), a container {@code ACPI0004:00} holding CPUs 2 and 3 and a memory device with the last
 * four blocks, a PCI host bridge with four ejectable slots like this project's VM.
 */
public final class AcpiNamespace {

    public static final String SYSTEM = "/sys/devices/LNXSYSTM:00";
    public static final String BUS = "/sys/bus/acpi/devices";
    public static final String HOTPLUG = "/sys/firmware/acpi/hotplug";
    public static final String CONTAINER = "ACPI0004:00";
    /** ACPI _STA bits: present, enabled, shown in UI, functioning. */
    public static final int STA_ALL = 15;

    /** One ACPI device object. */
    public static final class AcpiObject {
        final String kernelName;
        final String hid;
        final String acpiPath;
        final String uid;
        final String adr;
        final String sun;
        final boolean hasSta;
        final boolean ejectable;
        final String hotplugProfile;
        final AcpiObject parent;
        final List<AcpiObject> children = new ArrayList<>();
        final List<Integer> cpus = new ArrayList<>();
        final List<Integer> blocks = new ArrayList<>();
        /** _PXM, the proximity domain firmware gives the object and everything below it; -1 for none. */
        int pxm = -1;
        boolean present;

        AcpiObject(AcpiObject parent, String kernelName, String hid, String acpiPath, String uid, String adr,
                String sun, boolean hasSta, boolean ejectable, String hotplugProfile) {
            this.parent = parent;
            this.kernelName = kernelName;
            this.hid = hid;
            this.acpiPath = acpiPath;
            this.uid = uid;
            this.adr = adr;
            this.sun = sun;
            this.hasSta = hasSta;
            this.ejectable = ejectable;
            this.hotplugProfile = hotplugProfile;
            if (parent != null) {
                parent.children.add(this);
            }
        }

        public String kernelName() {
            return kernelName;
        }

        public boolean present() {
            return present;
        }

        /** The _PXM firmware evaluates for this object (inherited from a parent), -1 for none. */
        public int proximityDomain() {
            return pxm >= 0 || parent == null ? pxm : parent.proximityDomain();
        }

        String folder() {
            return parent == null ? SYSTEM : parent.folder() + "/" + kernelName;
        }
    }

    private final SysfsTree tree;
    private final SimCpus cpus;
    private final SimMemory memory;
    private final Map<String, AcpiObject> objects = new LinkedHashMap<>();
    private final Map<String, Boolean> hotplugEnabled = new LinkedHashMap<>();

    private AcpiNamespace(SysfsTree tree, SimCpus cpus, SimMemory memory) {
        this.tree = tree;
        this.cpus = cpus;
        this.memory = memory;
    }

    /** Builds the namespace, the hot-plug profile switches and the MADT for the configured machine. */
    static AcpiNamespace populate(SysfsTree tree, SimConfig config, SimCpus cpus, SimMemory memory) {
        AcpiNamespace ns = new AcpiNamespace(tree, cpus, memory);
        ns.build(config);
        tree.register(AcpiNamespace.class, ns);
        byte[] madt = Madt.build(config.possibleCpus(), cpus.presentMask());
        tree.dir("/sys/firmware/acpi/tables").binary("APIC", SimAttribute.ROOT_READ_ONLY, () -> madt);
        return ns;
    }

    /**
     * The NUMA layout: node 0 is the boot node (processors and memory devices on {@code \\_SB_}),
     * every further node k a container {@code ACPI0004} with {@code _PXM} k holding the node's
     * processors and one memory device with its blocks, so the node can be ejected as a whole.
     */
    static AcpiNamespace populateNuma(SysfsTree tree, SimConfig config, SimCpus cpus, SimMemory memory,
            int nodeCount, java.util.function.IntUnaryOperator nodeOfCpu, java.util.function.IntUnaryOperator nodeOfBlock) {
        AcpiNamespace ns = new AcpiNamespace(tree, cpus, memory);
        AcpiObject sb = ns.systemBus();
        int perDevice = Math.max(1, config.extraInt("blocksPerMemoryDevice", 8));
        int memoryDevices = 0;
        List<Integer> bootBlocks = new ArrayList<>();
        for (int b = 0; b < config.memoryBlocks(); b++) {
            if (nodeOfBlock.applyAsInt(b) == 0) {
                bootBlocks.add(b);
            }
        }
        for (int first = 0; first < bootBlocks.size(); first += perDevice) {
            int n = memoryDevices++;
            AcpiObject m = ns.add(sb, name("PNP0C80", n), "PNP0C80", "\\_SB_." + segment('M', n),
                    Integer.toString(n), null, null, true, n > 0, "memory");
            m.blocks.addAll(bootBlocks.subList(first, Math.min(first + perDevice, bootBlocks.size())));
        }
        for (int cpu = 0; cpu < config.possibleCpus(); cpu++) {
            if (nodeOfCpu.applyAsInt(cpu) == 0) {
                ns.processor(sb, cpu, "\\_SB_");
            }
        }
        for (int node = 1; node < nodeCount; node++) {
            String path = "\\_SB_." + segment('N', node);
            AcpiObject c = ns.add(sb, name("ACPI0004", node - 1), "ACPI0004", path, Integer.toString(node), null,
                    null, true, true, "container");
            c.pxm = node;
            for (int cpu = 0; cpu < config.possibleCpus(); cpu++) {
                if (nodeOfCpu.applyAsInt(cpu) == node) {
                    ns.processor(c, cpu, path);
                }
            }
            AcpiObject m = ns.add(c, name("PNP0C80", memoryDevices), "PNP0C80", path + ".MEM0",
                    Integer.toString(memoryDevices), null, null, true, true, "memory");
            memoryDevices++;
            for (int b = 0; b < config.memoryBlocks(); b++) {
                if (nodeOfBlock.applyAsInt(b) == node) {
                    m.blocks.add(b);
                }
            }
        }
        ns.finish(sb);
        tree.register(AcpiNamespace.class, ns);
        byte[] madt = Madt.build(config.possibleCpus(), cpus.presentMask());
        tree.dir("/sys/firmware/acpi/tables").binary("APIC", SimAttribute.ROOT_READ_ONLY, () -> madt);
        return ns;
    }

    private AcpiObject systemBus() {
        AcpiObject system = add(null, "LNXSYSTM:00", "LNXSYSTM", "\\", null, null, null, false, false, null);
        return add(system, "LNXSYBUS:00", "LNXSYBUS", "\\_SB_", null, null, null, false, false, null);
    }

    private void build(SimConfig config) {
        AcpiObject sb = systemBus();
        int blocks = config.memoryBlocks();
        boolean containerMemory = blocks >= 8;
        boolean containerCpus = config.cpus() >= 4;
        int bootBlocks = containerMemory ? blocks - 4 : blocks;
        int perDevice = Math.max(1, config.extraInt("blocksPerMemoryDevice", 8));
        int memoryDevices = 0;
        for (int first = 0; first < bootBlocks; first += perDevice) {
            int n = memoryDevices++;
            // The first memory device holds the kernel image: firmware gives it no _EJ0.
            AcpiObject m = add(sb, name("PNP0C80", n), "PNP0C80", "\\_SB_." + segment('M', n),
                    Integer.toString(n), null, null, true, n > 0, "memory");
            for (int b = first; b < Math.min(first + perDevice, bootBlocks); b++) {
                m.blocks.add(b);
            }
        }
        for (int cpu = 0; cpu < config.possibleCpus(); cpu++) {
            if (containerCpus && cpu == 2) {
                AcpiObject c = add(sb, CONTAINER, "ACPI0004", "\\_SB_.CNT0", "0", null, null, true, true,
                        "container");
                for (int inner = 2; inner <= 3; inner++) {
                    processor(c, inner, "\\_SB_.CNT0");
                }
                if (containerMemory) {
                    AcpiObject m = add(c, name("PNP0C80", memoryDevices++), "PNP0C80", "\\_SB_.CNT0.MEM0",
                            Integer.toString(memoryDevices - 1), null, null, true, true, "memory");
                    for (int b = bootBlocks; b < blocks; b++) {
                        m.blocks.add(b);
                    }
                }
                cpu = 3;
                continue;
            }
            processor(sb, cpu, "\\_SB_");
        }
        if (containerMemory && !containerCpus) {
            AcpiObject c = add(sb, CONTAINER, "ACPI0004", "\\_SB_.CNT0", "0", null, null, true, true, "container");
            AcpiObject m = add(c, name("PNP0C80", memoryDevices), "PNP0C80", "\\_SB_.CNT0.MEM0",
                    Integer.toString(memoryDevices), null, null, true, true, "memory");
            for (int b = bootBlocks; b < blocks; b++) {
                m.blocks.add(b);
            }
        }
        finish(sb);
    }

    /** The PCI host bridge with its slots, the objects' sysfs folders and the hot-plug profile switches. */
    private void finish(AcpiObject sb) {
        AcpiObject pci = add(sb, "PNP0A08:00", "PNP0A08", "\\_SB_.PC00", "0", "0x00000000", null, false, false,
                "pci_root");
        for (int slot = 0; slot < 4; slot++) {
            add(pci, name("device", slot), null, String.format("\\_SB_.PC00.S%03d", slot), null,
                    String.format("0x%08x", slot << 16), Integer.toString(slot), false, true, "pci_root");
        }
        for (AcpiObject o : objects.values()) {
            o.present = o.cpus.stream().allMatch(cpus::isPresent);
            if (o.present && (o.parent == null || o.parent.present)) {
                show(o);
            } else {
                o.present = false;
            }
        }
        SimDirectory hotplug = tree.dir(HOTPLUG);
        for (String profile : List.of("container", "memory", "pci_root", "processor")) {
            hotplugEnabled.put(profile, true);
            hotplug.dir(profile).readWrite("enabled", () -> hotplugEnabled.get(profile) ? "1" : "0", v -> {
                // hotplug_enabled_store: kstrtouint, any non-zero value enables
                int value = KernelText.kstrtoint(v);
                if (value < 0) {
                    throw new KernelErrno(Errno.EINVAL);
                }
                hotplugEnabled.put(profile, value != 0);
            });
        }
        hotplug.readWrite("force_remove", () -> "0", v -> {
            // Current kernels refuse to enable forced removal: offline failures always abort.
            if (KernelText.kstrtobool(v)) {
                throw new KernelErrno(Errno.EINVAL, "force_remove is not supported anymore");
            }
        });
    }

    private void processor(AcpiObject parent, int cpu, String parentPath) {
        AcpiObject p = add(parent, name("ACPI0007", cpu), "ACPI0007", parentPath + "." + segment('C', cpu),
                Integer.toString(cpu), null, null, true, cpu != 0, "processor");
        p.cpus.add(cpu);
    }

    private AcpiObject add(AcpiObject parent, String kernelName, String hid, String path, String uid, String adr,
            String sun, boolean hasSta, boolean ejectable, String profile) {
        AcpiObject o = new AcpiObject(parent, kernelName, hid, path, uid, adr, sun, hasSta, ejectable, profile);
        objects.put(kernelName, o);
        return o;
    }

    /** The kernel's {@code "%s:%02x"} instance name. */
    static String name(String prefix, int instance) {
        String hex = Integer.toHexString(instance);
        return prefix + (hex.length() == 1 ? ":0" : ":") + hex;
    }

    /** An ACPI name segment: a letter and three upper-case hex digits ({@code C01F}). */
    static String segment(char letter, int n) {
        String hex = Integer.toHexString(n).toUpperCase(java.util.Locale.ROOT);
        return letter + "000".substring(Math.min(3, hex.length())) + hex;
    }

    /** Creates the object's folder, attributes and links (it became present). */
    private void show(AcpiObject o) {
        o.present = true;
        SimDirectory d = tree.dir(o.folder());
        if (o.hid != null) {
            d.constant("hid", o.hid);
            d.constant("modalias", "acpi:" + o.hid + ":");
        }
        d.constant("path", o.acpiPath);
        if (o.uid != null) {
            d.constant("uid", o.uid);
        }
        if (o.adr != null) {
            d.constant("adr", o.adr);
        }
        if (o.sun != null) {
            d.constant("sun", o.sun);
        }
        if (o.hasSta) {
            d.readOnly("status", () -> Integer.toString(o.present ? STA_ALL : 0));
        }
        if (o.ejectable) {
            d.writeOnly("eject", v -> eject(o, v));
        }
        List<String> physical = new ArrayList<>();
        for (int cpu : o.cpus) {
            physical.add(SimCpus.cpuPath(cpu));
            tree.dir(SimCpus.cpuPath(cpu)).link("firmware_node", o.folder());
        }
        for (int block : o.blocks) {
            physical.add(SimMemory.blockPath(block));
        }
        for (int i = 0; i < physical.size(); i++) {
            d.link(i == 0 ? "physical_node" : "physical_node" + i, physical.get(i));
        }
        tree.dir(BUS).link(o.kernelName, o.folder());
    }

    /**
     * drivers/acpi/scan.c eject_store: only "1..." is accepted. Every CPU and memory block the
     * object (or an object below it) provides must already be offline, else EBUSY and nothing
     * changes; then the devices go and the objects leave sysfs (_EJ0 ran, _STA now reads 0).
     */
    private void eject(AcpiObject o, String value) throws KernelErrno {
        if (value.isEmpty() || value.charAt(0) != '1') {
            throw new KernelErrno(Errno.EINVAL, "write 1 to eject");
        }
        if (o.hotplugProfile != null && !hotplugEnabled.getOrDefault(o.hotplugProfile, true)) {
            throw new KernelErrno(Errno.ENODEV, o.hotplugProfile + " hot-plug is disabled");
        }
        List<AcpiObject> subtree = new ArrayList<>();
        collect(o, subtree);
        for (AcpiObject x : subtree) {
            for (int cpu : x.cpus) {
                if (cpus.isOnline(cpu)) {
                    throw new KernelErrno(Errno.EBUSY, "cpu" + cpu + " of " + x.kernelName + " is online");
                }
            }
            for (int block : x.blocks) {
                if (memory.isOnline(block)) {
                    throw new KernelErrno(Errno.EBUSY, "memory" + block + " of " + x.kernelName + " is online");
                }
            }
        }
        for (AcpiObject x : subtree) {
            for (int cpu : x.cpus) {
                cpus.removePresent(cpu);
            }
            for (int block : x.blocks) {
                memory.removeBlock(block);
            }
            x.present = false;
            tree.dir(BUS).remove(x.kernelName);
        }
        tree.remove(o.folder());
    }

    private static void collect(AcpiObject o, List<AcpiObject> into) {
        if (o.present) {
            into.add(o);
            for (AcpiObject c : o.children) {
                collect(c, into);
            }
        }
    }

    /**
     * Firmware inserted the hardware behind an absent object (an empty CPU slot, an ejected
     * container): the kernel's rescan creates the objects and their devices, CPUs offline and
     * memory as auto_online_blocks says. Returns the notify value firmware would raise
     * (0x01 device check for a leaf, 0x00 bus check for a container).
     */
    int insert(String kernelName) {
        AcpiObject o = objects.get(kernelName);
        if (o == null) {
            throw new IllegalArgumentException("no ACPI object " + kernelName + " in the firmware namespace");
        }
        if (o.parent != null && !o.parent.present) {
            throw new IllegalArgumentException(kernelName + " sits in " + o.parent.kernelName + ", which is absent");
        }
        if (!o.present) {
            insertTree(o);
        }
        return o.children.isEmpty() ? 0x01 : 0x00;
    }

    private void insertTree(AcpiObject o) {
        for (int cpu : o.cpus) {
            cpus.addPresent(cpu, false);
        }
        for (int block : o.blocks) {
            memory.hotAddBlock(block);
        }
        show(o);
        for (AcpiObject c : o.children) {
            insertTree(c);
        }
    }

    /** The kernel names of every object the firmware describes, present or not. */
    public List<String> firmwareObjects() {
        return new ArrayList<>(objects.keySet());
    }

    public boolean isPresent(String kernelName) {
        AcpiObject o = objects.get(kernelName);
        return o != null && o.present;
    }

    static Map<String, Object> notifyEvent(String kernelName, int value) {
        return Map.of(PlatformEvents.DEVICE, kernelName, PlatformEvents.NOTIFY, value);
    }
}
