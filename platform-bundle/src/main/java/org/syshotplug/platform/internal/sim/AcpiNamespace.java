package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.PlatformEvents;

/**
 * The ACPI namespace of the x86 machine as drivers/acpi/scan.c shows it: every device object a
 * folder nested in its parent's folder under {@code /sys/devices/LNXSYSTM:00}, a link to it in
 * {@code /sys/bus/acpi/devices}, attributes {@code hid}, {@code path}, {@code uid}, {@code adr},
 * {@code status} (only where _STA exists), {@code eject} (only where _EJ0 exists) and
 * {@code physical_node*} links to the Linux devices. Every object firmware declares has its folder,
 * present or not (acpi_bus_scan creates a device object whatever _STA says; only the driver stays
 * away): an absent one shows {@code status} 0 and no {@code physical_node*} links, and an ejected
 * one goes back to that, it does not vanish.
 *
 * <p>Ejection follows drivers/acpi/scan.c: the {@code eject} write only queues the work on the
 * hot-plug workqueue ({@link HotplugWorkqueue}); the work reports {@code _OST} 0x84, offlines the
 * devices itself (two passes, as acpi_scan_try_to_offline), puts back online what it offlined and
 * reports 0x82 when one refuses, else removes the devices, runs {@code _EJ0} and reports success.
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
        /** The _STA value while present (15, or 11 for QEMU's resource containers). */
        int sta = STA_ALL;
        /** The CPUs and blocks are given when firmware inserts the hardware (QEMU's slots), not fixed. */
        boolean dynamic;
        /** Linux devices bound to the object that are neither CPUs nor memory blocks (a container device). */
        final List<String> otherPhysical = new ArrayList<>();
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

        public String hid() {
            return hid;
        }

        /** The CPU numbers the object provides while present. */
        public List<Integer> cpus() {
            return List.copyOf(cpus);
        }

        /** The memory block ids the object provides while present. */
        public List<Integer> blocks() {
            return List.copyOf(blocks);
        }

        /** The _PXM firmware evaluates for this object (inherited from a parent), -1 for none. */
        public int proximityDomain() {
            return pxm >= 0 || parent == null ? pxm : parent.proximityDomain();
        }

        public String folder() {
            return parent == null ? SYSTEM : parent.folder() + "/" + kernelName;
        }
    }

    private final SysfsTree tree;
    private final SimCpus cpus;
    private final SimMemory memory;
    /** The CPU number each processor object's APIC id was given ({@link #logicalId}). */
    private final Map<String, Integer> logicalIds = new java.util.HashMap<>();
    private int nextLogicalId = -1;
    private final Map<String, AcpiObject> objects = new LinkedHashMap<>();
    private final Map<String, Boolean> hotplugEnabled = new LinkedHashMap<>();
    /** The container devices ({@code /sys/devices/system/container/NAME}) that are online. */
    private final java.util.Set<String> containersOnline = new java.util.HashSet<>();
    public static final String CONTAINER_DEVICES = "/sys/devices/system/container";
    private volatile AcpiFirmware firmware = new AcpiFirmware() { };

    /**
     * The firmware side of hot-plug, for a profile that models it (QEMU): where the kernel's
     * {@code _OST} reports go and what {@code _EJ0} does.
     */
    public interface AcpiFirmware {
        /** The kernel evaluated {@code _OST(source, status)} on the object. */
        default void ost(AcpiObject object, int source, int status) {
        }

        /** The kernel evaluated {@code _EJ0} on the object: firmware takes the hardware away. */
        default void ej0(AcpiObject object) {
        }
    }

    /** _OST source and status codes (ACPI 6.5 table 6.185). */
    public static final int OST_EJECT_REQUEST = 0x03;
    public static final int OST_OSPM_EJECT = 0x103;
    public static final int OST_SUCCESS = 0x0;
    public static final int OST_FAILURE = 0x1;
    public static final int OST_NOT_SUPPORTED = 0x80;
    public static final int OST_BUSY = 0x82;
    public static final int OST_IN_PROGRESS = 0x84;

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

    /**
     * The namespace QEMU 10 builds for {@code -machine q35 -smp 1,maxcpus=N -m ..,slots=S}: processor
     * objects {@code LNXCPU:NN} ({@code \_SB_.CPUS.CNNN}, no _UID) in {@code ACPI0010:00}, the boot
     * CPU's without _EJ0; the PCI root; the DIMM slots {@code PNP0C80:NN} ({@code \_SB_.MHPC.MPNN},
     * _UID {@code 0xNN}) in the resource container {@code PNP0A06:04}. Slots other than the boot
     * CPU's are dynamic: what they hold is given when QEMU plugs a device.
     */
    static AcpiNamespace populateQemu(SysfsTree tree, SimCpus cpus, SimMemory memory, int possibleCpus,
            int dimmSlots) {
        AcpiNamespace ns = new AcpiNamespace(tree, cpus, memory);
        AcpiObject sb = ns.systemBus();
        AcpiObject container = ns.add(sb, "ACPI0010:00", "ACPI0010", "\\_SB_.CPUS", null, null, null, false, false,
                null);
        for (int n = 0; n < possibleCpus; n++) {
            AcpiObject p = ns.add(container, name("LNXCPU", n), "LNXCPU", "\\_SB_.CPUS." + segment('C', n), null,
                    null, null, true, n != 0, "processor");
            if (n == 0) {
                p.cpus.add(0);
            } else {
                p.dynamic = true;
            }
        }
        AcpiObject pci = ns.add(sb, "PNP0A08:00", "PNP0A08", "\\_SB_.PCI0", "0", null, null, false, false,
                "pci_root");
        pci.otherPhysical.add("/sys/devices/pci0000:00");
        tree.dir("/sys/devices/pci0000:00");
        AcpiObject mhpc = ns.add(sb, "PNP0A06:04", "PNP0A06", "\\_SB_.MHPC", "DIMM devices", null, null, true, false,
                "container");
        mhpc.sta = 11;
        for (int n = 0; n < dimmSlots; n++) {
            String hex = String.format("%02X", n);
            AcpiObject m = ns.add(mhpc, name("PNP0C80", n), "PNP0C80", "\\_SB_.MHPC.MP" + hex,
                    "0x" + hex.toLowerCase(java.util.Locale.ROOT), null, null, true, true, "memory");
            m.dynamic = true;
        }
        ns.publish();
        tree.register(AcpiNamespace.class, ns);
        byte[] madt = Madt.build(possibleCpus, cpus.presentMask());
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

    /** The PCI host bridge with its slots, then the objects' folders and the hot-plug profile switches. */
    private void finish(AcpiObject sb) {
        AcpiObject pci = add(sb, "PNP0A08:00", "PNP0A08", "\\_SB_.PC00", "0", "0x00000000", null, false, false,
                "pci_root");
        for (int slot = 0; slot < 4; slot++) {
            add(pci, name("device", slot), null, String.format("\\_SB_.PC00.S%03d", slot), null,
                    String.format("0x%08x", slot << 16), Integer.toString(slot), false, true, "pci_root");
        }
        publish();
    }

    /** Every object's folder; the present ones bound to their devices; the hot-plug profile switches. */
    private void publish() {
        for (AcpiObject o : objects.values()) {
            o.present = o.parent == null || o.parent.present;
            if (o.present && !o.dynamic) {
                o.present = o.cpus.stream().allMatch(cpus::isPresent);
            } else if (o.dynamic) {
                o.present = !o.cpus.isEmpty() || !o.blocks.isEmpty();
            }
            create(o);
            if (o.present) {
                bind(o);
            }
        }
        // container_handler has hot-plug support but no sysfs profile: container eject is always enabled.
        hotplugEnabled.put("container", true);
        SimDirectory hotplug = tree.dir(HOTPLUG);
        for (String profile : List.of("memory", "pci_root", "processor")) {
            hotplugEnabled.put(profile, true);
            hotplug.dir(profile).readWrite("enabled", () -> hotplugEnabled.get(profile) ? "1" : "0", v -> {
                if (v.isEmpty()) {
                    return; // sysfs_kf_write: a write of no bytes never reaches the store
                }
                // hotplug_enabled_store: kstrtouint, then anything above 1 is EINVAL
                int value;
                try {
                    value = KernelText.kstrtoint(v);
                } catch (KernelErrno e) {
                    throw new KernelErrno(e.errno() == Errno.ERANGE ? Errno.ERANGE : Errno.EINVAL, "write 0 or 1");
                }
                if (value < 0 || value > 1) {
                    throw new KernelErrno(Errno.EINVAL, "write 0 or 1");
                }
                hotplugEnabled.put(profile, value == 1);
            });
        }
        hotplug.readWrite("force_remove", () -> "0", v -> {
            if (v.isEmpty()) {
                return;
            }
            // force_remove_store: strtobool, and a true value is refused with this message.
            if (KernelText.kstrtobool(v)) {
                tree.kernelLog().print("ACPI: Enabling force_remove is not supported anymore. Please report to "
                        + "linux-acpi@vger.kernel.org if you depend on this functionality");
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

    /** The object's folder and attributes, which it keeps whether present or not. */
    private void create(AcpiObject o) {
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
            d.readOnly("status", () -> Integer.toString(o.present ? o.sta : 0));
        }
        if (o.ejectable) {
            d.writeOnly("eject", v -> eject(o, v));
        }
        tree.dir(BUS).link(o.kernelName, o.folder());
    }

    /** The object is present and its devices exist: the links between them (acpi_bind_one). */
    private void bind(AcpiObject o) {
        o.present = true;
        if (isContainer(o)) {
            createContainerDevice(o);
        }
        SimDirectory d = tree.dir(o.folder());
        List<String> physical = new ArrayList<>();
        for (int cpu : o.cpus) {
            physical.add(SimCpus.cpuPath(cpu));
            tree.dir(SimCpus.cpuPath(cpu)).link("firmware_node", o.folder());
        }
        for (int block : o.blocks) {
            physical.add(SimMemory.blockPath(block));
            // acpi_bind_memory_blocks: the block points back at its memory device
            tree.dir(SimMemory.blockPath(block)).link("firmware_node", o.folder());
        }
        physical.addAll(o.otherPhysical);
        if (isContainer(o)) {
            physical.add(containerDevice(o));
        }
        for (int i = 0; i < physical.size(); i++) {
            d.link(i == 0 ? "physical_node" : "physical_node" + i, physical.get(i));
        }
    }

    /** container_handler's objects (ACPI0004, PNP0A05, PNP0A06): a container device represents them. */
    private static boolean isContainer(AcpiObject o) {
        return "container".equals(o.hotplugProfile);
    }

    private static String containerDevice(AcpiObject o) {
        return CONTAINER_DEVICES + "/" + o.kernelName;
    }

    /**
     * drivers/acpi/container.c container_device_attach: {@code /sys/devices/system/container/NAME},
     * online; going offline (acpi_container_offline) needs every device of the objects directly
     * below offline, else EBUSY; going online always succeeds.
     */
    private void createContainerDevice(AcpiObject o) {
        containersOnline.add(o.kernelName);
        SimDirectory c = tree.dir(containerDevice(o));
        c.readWrite("online", () -> containersOnline.contains(o.kernelName) ? "1" : "0", v -> {
            boolean up = KernelText.kstrtobool(v);
            if (up) {
                containersOnline.add(o.kernelName);
                return;
            }
            for (AcpiObject child : o.children) {
                if (!child.present) {
                    continue;
                }
                for (int cpu : child.cpus) {
                    if (cpus.isOnline(cpu)) {
                        throw new KernelErrno(Errno.EBUSY, "cpu" + cpu + " of " + child.kernelName + " is online");
                    }
                }
                for (int block : child.blocks) {
                    if (memory.isOnline(block)) {
                        throw new KernelErrno(Errno.EBUSY, "memory" + block + " of " + child.kernelName + " is online");
                    }
                }
            }
            containersOnline.remove(o.kernelName);
        });
        c.link("firmware_node", o.folder());
    }

    /** The object went absent: its links to devices go (acpi_unbind_one), the folder stays. */
    private void unbind(AcpiObject o) {
        o.present = false;
        if (isContainer(o)) {
            containersOnline.remove(o.kernelName);
            tree.remove(containerDevice(o));
        }
        SimDirectory d = tree.dir(o.folder());
        for (String name : d.names()) {
            if (name.startsWith("physical_node")) {
                d.remove(name);
            }
        }
        if (o.dynamic) {
            o.cpus.clear();
            o.blocks.clear();
        }
    }

    /** Whether the hot-plug profile of the object's scan handler is enabled (containers: always). */
    private boolean profileEnabled(AcpiObject o) {
        return o.hotplugProfile == null || hotplugEnabled.getOrDefault(o.hotplugProfile, true);
    }

    /**
     * drivers/acpi/scan.c eject_store: the value must start with '1' (EINVAL); an object without
     * scan handler (absent, ejected) or whose hot-plug profile is disabled is ENODEV; else the
     * work is queued and the write succeeds at once.
     */
    private void eject(AcpiObject o, String value) throws KernelErrno {
        if (value.isEmpty()) {
            return; // sysfs_kf_write: a write of no bytes never reaches the store
        }
        if (value.charAt(0) != '1') {
            throw new KernelErrno(Errno.EINVAL, "write 1 to eject");
        }
        if (!o.present) {
            throw new KernelErrno(Errno.ENODEV, o.kernelName + " is not present");
        }
        if (!profileEnabled(o)) {
            throw new KernelErrno(Errno.ENODEV, o.hotplugProfile + " hot-plug is disabled");
        }
        tree.hotplugQueue().queue(() -> ejectWork(o, OST_OSPM_EJECT));
    }

    /** A firmware eject request (notify 0x03, QEMU's device_del): the same work, source 0x03. */
    public void ejectRequest(String kernelName) {
        AcpiObject o = object(kernelName);
        tree.hotplugQueue().queue(() -> ejectWork(o, OST_EJECT_REQUEST));
    }

    /**
     * acpi_device_hotplug with acpi_generic_hotplug_event: runs on the workqueue under the tree
     * lock. "Eject in progress" is always reported with source 0x03, as the kernel does.
     */
    private void ejectWork(AcpiObject o, int source) {
        if (o.present && !profileEnabled(o)) {
            tree.kernelLog().print("acpi " + o.kernelName + ": Eject disabled");
            firmware.ost(o, source, OST_NOT_SUPPORTED);
            return;
        }
        firmware.ost(o, OST_EJECT_REQUEST, OST_IN_PROGRESS);
        int status;
        try {
            hotRemove(o);
            status = OST_SUCCESS;
        } catch (KernelErrno e) {
            status = e.errno() == Errno.EBUSY ? OST_BUSY : e.errno() == Errno.EPERM ? OST_NOT_SUPPORTED : OST_FAILURE;
        }
        firmware.ost(o, source, status);
    }

    /** A Linux device bound to an ACPI object: a CPU or a memory block. */
    private record Physical(boolean cpu, int id) {
        String devName() {
            return cpu ? "cpu cpu" + id : "memory memory" + id;
        }
    }

    /**
     * acpi_scan_hot_remove: offline every device of the object and the objects below it
     * (acpi_scan_try_to_offline), then remove them (acpi_bus_trim) and run _EJ0. EBUSY, with the
     * devices it offlined back online, when one refuses twice.
     */
    private void hotRemove(AcpiObject o) throws KernelErrno {
        hotRemove(o, false);
    }

    /**
     * @param restore a state file brings back an ejected object: container_handler's
     *     {@code demand_offline} is not asked, the devices are offlined as for any object
     */
    private void hotRemove(AcpiObject o, boolean restore) throws KernelErrno {
        if (isContainer(o) && o.present && !restore) {
            // container_handler.hotplug.demand_offline: the kernel does not offline anything itself;
            // user space must offline the devices and then the container device (it was sent a
            // KOBJ_CHANGE uevent EVENT=offline on the container device).
            if (containersOnline.contains(o.kernelName)) {
                throw new KernelErrno(Errno.EBUSY, "container " + o.kernelName + " is online");
            }
            removeAndEject(o, subtree(o));
            return;
        }
        List<AcpiObject> order = subtree(o);
        List<Physical> devices = new ArrayList<>();
        for (AcpiObject x : order) {
            if (x.present) {
                x.cpus.forEach(c -> devices.add(new Physical(true, c)));
                x.blocks.forEach(b -> devices.add(new Physical(false, b)));
            }
        }
        Set<Physical> putOnline = new LinkedHashSet<>();
        Physical errdev = null;
        for (Physical p : devices) {
            try {
                offline(p, putOnline);
            } catch (KernelErrno e) {
                errdev = p;
            }
        }
        if (errdev != null) {
            errdev = null;
            for (Physical p : devices) {
                if (putOnline.contains(p)) {
                    continue;
                }
                try {
                    offline(p, putOnline);
                } catch (KernelErrno e) {
                    errdev = p;
                    break;
                }
            }
            if (errdev != null) {
                tree.kernelLog().print(errdev.devName() + ": Offline failed.");
                for (Physical p : putOnline) {
                    if (p.cpu()) {
                        cpus.deviceOnline(p.id());
                    } else {
                        memory.onlineBack(p.id());
                    }
                }
                throw new KernelErrno(Errno.EBUSY, errdev.devName().split(" ")[1] + " cannot be offlined");
            }
        }
        removeAndEject(o, order);
    }

    /** The objects below {@code o} in namespace pre-order, then {@code o} (acpi_scan_try_to_offline's walk). */
    private static List<AcpiObject> subtree(AcpiObject o) {
        List<AcpiObject> order = new ArrayList<>();
        for (AcpiObject c : o.children) {
            preorder(c, order);
        }
        order.add(o);
        return order;
    }

    /** acpi_bus_trim, then _EJ0. */
    private void removeAndEject(AcpiObject o, List<AcpiObject> order) throws KernelErrno {
        for (AcpiObject x : order) {
            if (!x.present) {
                continue;
            }
            for (int cpu : x.cpus) {
                if (cpus.isOnline(cpu)) {
                    cpus.deviceOffline(cpu);
                }
                cpus.removePresent(cpu);
            }
            for (int block : x.blocks) {
                memory.deviceOffline(block);
                memory.removeBlock(block);
            }
            unbind(x);
        }
        firmware.ej0(o);
    }

    private void offline(Physical p, Set<Physical> putOnline) throws KernelErrno {
        int rc = p.cpu() ? cpus.deviceOffline(p.id()) : memory.deviceOffline(p.id());
        if (rc == 0) {
            putOnline.add(p);
        }
    }

    private static void preorder(AcpiObject o, List<AcpiObject> into) {
        into.add(o);
        for (AcpiObject c : o.children) {
            preorder(c, into);
        }
    }

    /**
     * Restores an ejected object from a state file: the eject's work, run now, without _OST.
     * IllegalStateException if a device refuses to go offline.
     */
    void ejectNow(String kernelName) {
        AcpiObject o = object(kernelName);
        if (!o.present) {
            return;
        }
        try {
            hotRemove(o, true);
        } catch (KernelErrno e) {
            throw new IllegalStateException(kernelName + " cannot be ejected: " + e.getMessage(), e);
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

    /**
     * QEMU's slots: the hardware plugged into an absent object brings {@code blocks} (a DIMM) or a
     * processor, which gets the lowest free CPU number (run B of the q35 captures); the kernel's
     * device check creates the devices. Must run under the tree lock.
     */
    void insertDynamic(String kernelName, List<Integer> blocks) {
        insertDynamic(kernelName, blocks, -1);
    }

    /** As above, with the CPU number given (a state file restoring what the kernel had chosen); -1 to choose. */
    void insertDynamic(String kernelName, List<Integer> blocks, int cpu) {
        AcpiObject o = object(kernelName);
        if (o.present) {
            throw new IllegalStateException(kernelName + " is present");
        }
        o.blocks.clear();
        o.blocks.addAll(blocks);
        o.cpus.clear();
        if (cpu >= 0) {
            o.cpus.add(cpu);
            logicalIds.put(o.kernelName, cpu);
            nextLogicalId = Math.max(nextLogicalId, cpu + 1);
        }
        insertTree(o);
    }

    /**
     * arch/x86/kernel/apic/apic.c allocate_logical_cpuid: a processor's APIC id keeps the CPU number
     * it was first given, and an APIC id never seen takes the next number never used, whatever has
     * been removed since (a real 6.1 guest gave cores 3, 1, 2 the numbers 1, 2, 3 although cpu1 and
     * cpu2 had gone by the third add). Boot processors hold the first numbers.
     */
    private int logicalId(AcpiObject o) {
        Integer known = logicalIds.get(o.kernelName);
        if (known != null) {
            return known;
        }
        if (nextLogicalId < 0) {
            nextLogicalId = 0;
            for (int c = 0; c < cpus.possible(); c++) {
                if (cpus.isPresent(c)) {
                    nextLogicalId = c + 1;
                }
            }
        }
        if (nextLogicalId >= cpus.possible()) {
            throw new IllegalStateException("no CPU number left for " + o.kernelName + ": only " + cpus.possible()
                    + " processors supported");
        }
        logicalIds.put(o.kernelName, nextLogicalId);
        return nextLogicalId++;
    }

    private void insertTree(AcpiObject o) {
        if (o.dynamic && "processor".equals(o.hotplugProfile) && o.cpus.isEmpty()) {
            o.cpus.add(logicalId(o));
        }
        for (int cpu : o.cpus) {
            cpus.addPresent(cpu, false);
            // drivers/acpi/acpi_processor.c acpi_processor_hotadd_init
            tree.kernelLog().print("CPU" + cpu + " has been hot-added");
        }
        for (int block : o.blocks) {
            memory.hotAddBlock(block);
        }
        bind(o);
        for (AcpiObject c : o.children) {
            insertTree(c);
        }
    }

    AcpiObject object(String kernelName) {
        AcpiObject o = objects.get(kernelName);
        if (o == null) {
            throw new IllegalArgumentException("no ACPI object " + kernelName + " in the firmware namespace");
        }
        return o;
    }

    void firmware(AcpiFirmware f) {
        this.firmware = f;
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
