package org.syshotplug.acpi.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

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
            @Descriptor("only processors, memory devices, containers, ejectable objects and their parents")
            @Parameter(names = {"-p", "--hotplug"}, absentValue = "false", presentValue = "true") boolean hotplugOnly) {
        AcpiNamespace ns;
        try {
            ns = new AcpiNamespaceReader(files).read();
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot read the ACPI namespace: " + e.getMessage()
                    + " (is this an ACPI machine? " + KernelPaths.ACPI_DEVICES + " must exist)", e);
        }
        TextTable table = new TextTable("NAME", "HID", "PATH", "KIND", "STATUS", "EJECT", "OWNS");
        for (AcpiObject root : ns.roots()) {
            tree(ns, root, 0, hotplugOnly, table);
        }
        return table.toString();
    }

    @Descriptor("decode the MADT (" + KernelPaths.MADT + "): CPU slots, enabled and hot-pluggable, and other entries")
    public String madt(
            @Descriptor("list every interrupt controller structure, not only the CPU slots")
            @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all) {
        byte[] data;
        try {
            data = files.readBytes(KernelPaths.MADT);
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot read the MADT: " + e.getMessage()
                    + " (the file is readable by root only)", e);
        }
        Madt madt = MadtParser.parse(data);
        StringBuilder b = new StringBuilder();
        b.append(String.format("MADT revision %d, %d bytes, OEM %s %s, creator %s, checksum %s%n", madt.revision(),
                madt.length(), madt.oemId(), madt.oemTableId(), madt.creatorId(),
                madt.checksumValid() ? "ok" : String.format("MISMATCH (bytes sum to 0x%02x, not 0)", madt.checksumSum())));
        b.append(String.format("local APIC at 0x%08x%s; %d CPU slots: %d enabled, %d hot-pluggable%n",
                madt.localApicAddress(), (madt.flags() & Madt.PCAT_COMPAT) != 0 ? ", PC-AT compatible" : "",
                madt.cpuSlots().size(), madt.enabledCpus().size(), madt.hotPluggableCpus().size()));
        TextTable slots = new TextTable("APIC-ID", "UID", "ENTRY", "ENABLED", "ONLINE-CAPABLE", "STATE", "OFFSET");
        for (CpuSlot s : madt.cpuSlots()) {
            slots.row(s.apicId(), s.processorUid(), s.x2Apic() ? "X2APIC" : "LAPIC", yesNo(s.enabled()),
                    yesNo(s.onlineCapable()), s.state(), s.offset());
        }
        b.append('\n').append(slots);
        if (all) {
            TextTable entries = new TextTable("OFFSET", "TYPE", "KIND", "LENGTH", "DETAILS");
            for (MadtEntry e : madt.entries()) {
                entries.row(e.offset(), e.type(), e.kind(), e.length(), details(e));
            }
            b.append('\n').append(entries);
        }
        return b.toString();
    }

    private void tree(AcpiNamespace ns, AcpiObject o, int depth, boolean hotplugOnly, TextTable table) {
        if (!hotplugOnly || relevant(ns, o)) {
            table.row("  ".repeat(depth) + o.name(), o.hid(), o.path(), o.kind() == AcpiKind.OTHER ? null : o.kind().word(),
                    o.status().describe(), yesNo(o.ejectable()), owns(o));
        }
        for (AcpiObject c : ns.children(o)) {
            tree(ns, c, depth + 1, hotplugOnly, table);
        }
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

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
