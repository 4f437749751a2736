package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.shell.CommandHelp;
import org.syshotplug.shell.Table;

/**
 * Read-only views of the firmware: {@code hotplug:acpi} (the ACPI namespace) and {@code hotplug:madt}
 * (the MADT's CPU slots and interrupt controllers). Changes go through {@code hotplug:add} and
 * {@code hotplug:remove} with {@code acpi:<name>} targets. (The simulated machine's
 * {@code hotplug:acpinotify}, which plays the firmware, belongs to the platform bundle: this bundle
 * depends on the framework API only.)
 */
@Component(service = AcpiCommands.class, property = {"osgi.command.scope=hotplug",
        "osgi.command.function=acpi", "osgi.command.function=madt"})
public class AcpiCommands {

    @Reference
    SystemFiles files;

    public AcpiCommands() {
    }

    public AcpiCommands(SystemFiles files) {
        this.files = files;
    }

    @Descriptor("show the ACPI namespace as a tree: HID, _STA status, ejectable, and the OS devices each object owns")
    public String acpi(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("only processors, memory devices, containers, ejectable objects and their parents")
            @Parameter(names = {"-p", "--hotplug"}, absentValue = "false", presentValue = "true") boolean hotplugOnly,
            @Descriptor("print as JSON (the tree as a list with a depth per object)")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings) {
        if (help) {
            return help("acpi");
        }
        Table table = namespace(hotplugOnly);
        return json ? Json.write(Map.of("acpi", table.records())) : table.render(raw, noHeadings);
    }

    /** The aligned tree with headings. */
    String acpi(boolean hotplugOnly) {
        return namespace(hotplugOnly).toString();
    }

    private Table namespace(boolean hotplugOnly) {
        AcpiNamespace ns;
        try {
            ns = new AcpiNamespaceReader(files).read();
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot read the ACPI namespace: " + e.getMessage()
                    + " (is this an ACPI machine? " + KernelPaths.ACPI_DEVICES + " must exist)", e);
        }
        Table table = new Table("name", "hid", "path", "kind", "status", "eject", "owns");
        for (AcpiObject root : ns.roots()) {
            tree(ns, root, 0, hotplugOnly, table);
        }
        return table;
    }

    @Descriptor("decode the MADT (" + KernelPaths.MADT + "): CPU slots, enabled and hot-pluggable, and other entries")
    public String madt(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("list every interrupt controller structure, not only the CPU slots")
            @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json) {
        if (help) {
            return help("madt");
        }
        return json ? Json.write(madtRecord(true)) : madt(all);
    }

    /** The MADT's header and structures as plain maps for JSON. */
    private Map<String, Object> madtRecord(boolean all) {
        Madt madt = MadtParser.parse(madtBytes());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("revision", madt.revision());
        m.put("length", madt.length());
        m.put("oem-id", madt.oemId());
        m.put("oem-table-id", madt.oemTableId());
        m.put("creator-id", madt.creatorId());
        m.put("checksum-ok", madt.checksumValid());
        m.put("local-apic-address", String.format("0x%08x", madt.localApicAddress()));
        m.put("cpu-slots", slotTable(madt).records());
        if (all) {
            m.put("entries", entryTable(madt).records());
        }
        return m;
    }

    private byte[] madtBytes() {
        try {
            return files.readBytes(KernelPaths.MADT);
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot read the MADT: " + e.getMessage()
                    + " (the file is readable by root only)", e);
        }
    }

    private static Table slotTable(Madt madt) {
        Table slots = new Table("apic-id", "uid", "entry", "enabled", "online-capable", "state", "offset");
        for (CpuSlot s : madt.cpuSlots()) {
            slots.row(s.apicId(), s.processorUid(), s.x2Apic() ? "X2APIC" : "LAPIC", s.enabled(),
                    s.onlineCapable(), s.state().toString(), s.offset());
        }
        return slots;
    }

    private static Table entryTable(Madt madt) {
        Table entries = new Table("offset", "type", "kind", "length", "details");
        for (MadtEntry e : madt.entries()) {
            entries.row(e.offset(), e.type(), e.kind().toString(), e.length(), details(e));
        }
        return entries;
    }

    /** The decoded MADT as text: a header, the CPU slots and, with {@code all}, every structure. */
    String madt(boolean all) {
        Madt madt = MadtParser.parse(madtBytes());
        StringBuilder b = new StringBuilder();
        b.append(String.format("MADT revision %d, %d bytes, OEM %s %s, creator %s, checksum %s%n", madt.revision(),
                madt.length(), madt.oemId(), madt.oemTableId(), madt.creatorId(),
                madt.checksumValid() ? "ok" : String.format("MISMATCH (bytes sum to 0x%02x, not 0)", madt.checksumSum())));
        b.append(String.format("local APIC at 0x%08x%s; %d CPU slots: %d enabled, %d hot-pluggable%n",
                madt.localApicAddress(), (madt.flags() & Madt.PCAT_COMPAT) != 0 ? ", PC-AT compatible" : "",
                madt.cpuSlots().size(), madt.enabledCpus().size(), madt.hotPluggableCpus().size()));
        b.append('\n').append(slotTable(madt));
        if (all) {
            b.append('\n').append(entryTable(madt));
        }
        return b.toString();
    }

    private static String help(String function) {
        return CommandHelp.render(AcpiCommands.class, "hotplug", function).stripTrailing();
    }

    private void tree(AcpiNamespace ns, AcpiObject o, int depth, boolean hotplugOnly, Table table) {
        if (!hotplugOnly || relevant(ns, o)) {
            table.row("  ".repeat(depth) + o.name(), o.hid(), o.path(), o.kind() == AcpiKind.OTHER ? null : o.kind().word(),
                    status(o), o.ejectable(), o.status().present() ? owns(o) : null);
        }
        for (AcpiObject c : ns.children(o)) {
            tree(ns, c, depth + 1, hotplugOnly, table);
        }
    }

    /**
     * Firmware describes every slot from boot; one whose _STA says not present is shown as the empty
     * slot it is (a device_add fills it), never as a device.
     */
    static String status(AcpiObject o) {
        if (o.status().present()) {
            return o.status().describe();
        }
        boolean slot = o.ejectable() || o.kind() == AcpiKind.PROCESSOR || o.kind() == AcpiKind.MEMORY;
        return o.status().bits() + (slot ? " empty slot" : " absent");
    }

    private static boolean relevant(AcpiNamespace ns, AcpiObject o) {
        return ns.subtree(o).stream().anyMatch(x -> x.ejectable() || x.kind() != AcpiKind.OTHER);
    }

    /** {@code cpu:2 memory:8-11}: consecutive ids of one type folded into a range. */
    static String owns(AcpiObject o) {
        if (o.owned().isEmpty()) {
            return o.physicalNodes().isEmpty() ? null : o.physicalNodes().size() + " other";
        }
        List<String> parts = new ArrayList<>();
        List<DeviceRef> owned = o.owned();
        int i = 0;
        while (i < owned.size()) {
            DeviceRef d = owned.get(i);
            int j = i;
            while (d.isNumeric() && j + 1 < owned.size() && owned.get(j + 1).type().equals(d.type())
                    && owned.get(j + 1).isNumeric() && owned.get(j + 1).numericId() == owned.get(j).numericId() + 1) {
                j++;
            }
            parts.add(j == i ? d.toString() : d + "-" + owned.get(j).id());
            i = j + 1;
        }
        return String.join(" ", parts);
    }

    private static String details(MadtEntry e) {
        if (e instanceof MadtEntry.LocalApic l) {
            return String.format("uid %d apic-id %d flags 0x%x", l.processorUid(), l.apicId(), l.flags());
        } else if (e instanceof MadtEntry.LocalX2Apic x) {
            return String.format("uid %d x2apic-id %d flags 0x%x", x.processorUid(), x.x2ApicId(), x.flags());
        } else if (e instanceof MadtEntry.IoApic io) {
            return String.format("id %d address 0x%08x gsi-base %d", io.ioApicId(), io.address(), io.gsiBase());
        } else if (e instanceof MadtEntry.InterruptSourceOverride o) {
            return String.format("bus %d irq %d -> gsi %d flags 0x%x", o.bus(), o.source(), o.gsi(), o.flags());
        } else if (e instanceof MadtEntry.NmiSource n) {
            return String.format("gsi %d flags 0x%x", n.gsi(), n.flags());
        } else if (e instanceof MadtEntry.LocalApicNmi n) {
            return String.format("uid %s lint%d flags 0x%x", n.processorUid() == 0xFF ? "all" : n.processorUid(),
                    n.lint(), n.flags());
        } else if (e instanceof MadtEntry.LocalX2ApicNmi n) {
            return String.format("uid %s lint%d flags 0x%x", n.processorUid() == 0xFFFF_FFFFL ? "all" : n.processorUid(),
                    n.lint(), n.flags());
        } else if (e instanceof MadtEntry.LocalApicAddressOverride a) {
            return String.format("local APIC at 0x%016x", a.address());
        }
        return "not decoded";
    }
}
