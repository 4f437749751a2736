package org.syshotplug.rtas.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;
import org.syshotplug.rtas.internal.dlpar.DlparGrammar;
import org.syshotplug.rtas.internal.dlpar.DlparSyntaxException;

/**
 * {@code hotplug:dlpar "<resource> <action> <id_type> <id>"} (the kernel's grammar plus
 * {@code drc-name "CPU 3"}) submitted through {@link HotplugService}, and an lsslot-like DRC view.
 */
@Component(service = DlparCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=dlpar",
        "osgi.command.function=lsslot"})
public class DlparCommands {
    private final HotplugService hotplug;
    private final PseriesPartition partition;

    @Activate
    public DlparCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.partition = new PseriesPartition(files);
    }

    @Descriptor("run a DLPAR request as /sys/kernel/dlpar takes it, e.g. \"memory add count 4\", "
            + "\"cpu add index 0x10000002\", \"memory remove indexed-count 2 0x8000000a\", \"cpu remove drc-name \\\"CPU 3\\\"\"")
    public String dlpar(@Descriptor("<resource> <action> <id_type> <id>: resource memory|cpu, action add|remove, "
            + "id_type index|count|indexed-count|drc-name") String request)
            throws InterruptedException, InvocationTargetException {
        HotplugRequest r;
        try {
            r = DlparGrammar.extended().parse(request).toRequest().toBuilder().origin("shell").build();
        } catch (DlparSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        HotplugResult result = hotplug.submit(r).getValue();
        if (!result.succeeded()) {
            throw new IllegalStateException(result.summary());
        }
        return result.summary();
    }

    @Descriptor("list the partition's dynamic-reconfiguration connectors like lsslot: name, index, type, "
            + "power domain, state and the OS devices behind each")
    public String lsslot(@Descriptor("connector type: cpu, mem or all")
            @Parameter(names = {"-c", "--type"}, absentValue = "all") String type) throws SystemFileException {
        if (!List.of("cpu", "mem", "all").contains(type)) {
            throw new IllegalArgumentException("unknown connector type '" + type + "': expected cpu, mem or all");
        }
        if (!partition.present()) {
            throw new IllegalStateException("no DRCs here: /sys/kernel/dlpar is missing, this is not a POWER partition");
        }
        List<String[]> rows = new ArrayList<>();
        if (!type.equals("mem")) {
            Map<Long, String> nodes = partition.cpuNodes();
            for (Drc d : partition.cpuDrcs()) {
                String node = nodes.get(d.index());
                String devices = node == null ? "-"
                        : "cpu" + String.join(",cpu", partition.logicalCpus(partition.hardwareThreads(node))
                                .stream().map(String::valueOf).toList());
                rows.add(row(d, node == null ? "empty" : "configured", devices));
            }
        }
        if (!type.equals("cpu")) {
            Optional<DynamicMemory> drmem = partition.dynamicMemory();
            for (Drc d : partition.memoryDrcs()) {
                Optional<Lmb> lmb = drmem.flatMap(m -> m.byDrcIndex(d.index()));
                String state = lmb.map(l -> l.reserved() ? "reserved" : l.assigned() ? "assigned" : "unassigned")
                        .orElse("unknown");
                String devices = "-";
                if (lmb.isPresent() && lmb.get().assigned()) {
                    devices = "memory" + String.join(",memory", partition.blocks(lmb.get(), drmem.get().lmbSize())
                            .stream().map(String::valueOf).toList());
                }
                rows.add(row(d, state, devices));
            }
        }
        return table(new String[] {"NAME", "INDEX", "TYPE", "POWER-DOMAIN", "STATE", "OS-DEVICE"}, rows);
    }

    private static String[] row(Drc d, String state, String devices) {
        return new String[] {d.name(), d.indexHex(), d.type(), Integer.toString(d.powerDomain()), state, devices};
    }

    static String table(String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (String[] r : all) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(String.format("%-" + width[i] + "s", r[i]));
                if (i < r.length - 1) {
                    line.append("  ");
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
