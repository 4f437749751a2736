package org.syshotplug.rtas.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.felix.service.command.CommandSession;
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
import org.syshotplug.rtas.internal.devicetree.ByteCursor;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.DlparGrammar;
import org.syshotplug.rtas.internal.dlpar.DlparResource;
import org.syshotplug.rtas.internal.dlpar.DlparSyntaxException;
import org.syshotplug.shell.CommandHelp;
import org.syshotplug.shell.Principals;
import org.syshotplug.shell.RequestRunner;
import org.syshotplug.shell.ResultView;
import org.syshotplug.shell.Table;

/**
 * The POWER words: {@code hotplug:dlpar memory add count 2} (the kernel's {@code /sys/kernel/dlpar}
 * grammar plus {@code drc-name "CPU 3"}), {@code hotplug:drmgr -c mem -a -q 2} (powerpc-utils'
 * drmgr options mapped to the same requests) and {@code hotplug:lsslot -c slot|pci|cpu|mem}
 * (powerpc-utils' layouts, read-only). Every change goes through {@link HotplugService}.
 */
@Component(service = DlparCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=dlpar",
        "osgi.command.function=drmgr",
        "osgi.command.function=lsslot"})
public class DlparCommands {

    private static final String LOOKUP_ARRAYS = "ibm,associativity-lookup-arrays";

    private final HotplugService hotplug;
    private final PseriesPartition partition;
    /** Where progress lines go; the session's output when null. */
    PrintStream progressOut;

    @Activate
    public DlparCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.partition = new PseriesPartition(files);
    }

    // ------------------------------------------------------------------ dlpar

    @Descriptor("run a DLPAR request as /sys/kernel/dlpar takes it, quoted or not: memory add count 4,"
            + " cpu add index 0x10000002, memory remove indexed-count 2 0x8000000a, cpu remove drc-name \"CPU 3\"")
    public String dlpar(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the request result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("words: <resource> <action> <id_type> <id>: resource memory|cpu, action add|remove, "
                    + "id_type index|count|indexed-count|drc-name") String... words) {
        if (help) {
            return help("dlpar");
        }
        DlparCommand command;
        try {
            command = DlparGrammar.extended().parse(line(words));
        } catch (DlparSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return submit(command, quiet, json, false);
    }

    /**
     * Gogo hands unquoted words over one by one (and a quoted {@code "CPU 3"} as one word without its
     * quotes); the kernel's grammar wants them joined by single spaces, a spaced DRC name quoted.
     */
    static String line(String[] words) {
        if (words.length == 1) {
            return words[0];
        }
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add(w.indexOf(' ') >= 0 && !w.startsWith("\"") ? "\"" + w + "\"" : w);
        }
        return String.join(" ", out);
    }

    private String submit(DlparCommand command, boolean quiet, boolean json, boolean drmgrTotals) {
        HotplugRequest request = command.toRequest().toBuilder().origin("shell").principal(principal()).build();
        HotplugResult result = RequestRunner.run(hotplug, request, quiet || json ? null : progressLines());
        String text = json ? Json.write(ResultView.record(result)) : ResultView.line(result);
        if (!result.succeeded()) {
            if (json) {
                progress().println(text);
            } else if (drmgrTotals) {
                progress().println("DR_TOTAL_RESOURCES=0");
            }
            throw new IllegalStateException(ResultView.line(result));
        }
        if (drmgrTotals && !json) {
            // drmgr's last line, read by the HMC's RMC: how many resources the request moved.
            text += "\nDR_TOTAL_RESOURCES=" + (command.count() > 0 ? command.count() : 1);
        }
        return text;
    }

    // ------------------------------------------------------------------ drmgr

    @Descriptor("add or remove CPUs or memory like powerpc-utils drmgr, e.g. drmgr -c mem -a -q 2,"
            + " drmgr -c cpu -r -s 0x10000002; runs the same request as hotplug:dlpar")
    public String drmgr(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("connector type: cpu or mem (pci, slot and phb are not supported: they need firmware RTAS calls)")
            @Parameter(names = {"-c"}, absentValue = "") String type,
            @Descriptor("add")
            @Parameter(names = {"-a"}, presentValue = "true", absentValue = "false") boolean add,
            @Descriptor("remove")
            @Parameter(names = {"-r"}, presentValue = "true", absentValue = "false") boolean remove,
            @Descriptor("quantity (default 1)")
            @Parameter(names = {"-q"}, absentValue = "") String quantity,
            @Descriptor("one DRC: an index (0x10000002) or a name (\"CPU 2\", \"LMB 9\"); implies a quantity of 1")
            @Parameter(names = {"-s"}, absentValue = "") String drc,
            @Descriptor("print the request result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("more words of a spaced DRC name given without quotes (-s CPU 2)") String... rest) {
        if (help) {
            return help("drmgr");
        }
        DlparResource resource = switch (type) {
            case "cpu" -> DlparResource.CPU;
            case "mem" -> DlparResource.MEMORY;
            case "" -> throw new IllegalArgumentException("drmgr needs a connector type: -c cpu or -c mem");
            case "pci", "slot", "phb", "port", "phib", "pmig", "acc" -> throw new IllegalArgumentException("drmgr -c " + type
                    + " is not supported here: I/O slots need firmware RTAS calls (see hotplug:lsslot -c " + type
                    + " to list them); -c cpu and -c mem are");
            default -> throw new IllegalArgumentException("invalid connector type '" + printable(type)
                    + "': expected cpu or mem (drmgr also knows pci, slot, phb, port, phib, pmig, acc)");
        };
        if (add == remove) {
            throw new IllegalArgumentException("give exactly one of -a (add) or -r (remove), e.g. drmgr -c mem -a -q 2");
        }
        DlparAction action = add ? DlparAction.ADD : DlparAction.REMOVE;
        String name = drc + (rest.length == 0 ? "" : " " + String.join(" ", rest));
        DlparCommand command;
        if (!drc.isEmpty()) {
            if (!quantity.isEmpty() && parseQuantity(quantity) != 1) {
                throw new IllegalArgumentException("-s names one DRC; it cannot go with -q " + printable(quantity));
            }
            command = drc.toLowerCase(Locale.ROOT).startsWith("0x")
                    ? DlparCommand.byIndex(resource, action, parseIndex(drc))
                    : DlparCommand.byName(resource, action, name.strip());
        } else {
            if (rest.length > 0) {
                throw new IllegalArgumentException("unexpected '" + printable(String.join(" ", rest))
                        + "'; see hotplug:drmgr --help");
            }
            command = DlparCommand.byCount(resource, action, quantity.isEmpty() ? 1 : parseQuantity(quantity));
        }
        return submit(command, false, json, resource == DlparResource.MEMORY);
    }

    /** drmgr reads -q with strtoul base 0: 2, 0x10 and 010 are all numbers. */
    private static long parseQuantity(String text) {
        try {
            long n = Long.decode(text.strip());
            if (n >= 1 && n <= 0xFFFF_FFFFL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid quantity '" + printable(text)
                + "': expected a whole number from 1 to 4294967295, e.g. -q 2");
    }

    private static long parseIndex(String text) {
        try {
            long n = Long.parseLong(text.strip().substring(2), 16);
            if (n <= 0xFFFF_FFFFL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid DRC index '" + printable(text)
                + "': expected 0x followed by up to 8 hex digits, e.g. -s 0x10000002");
    }

    // ------------------------------------------------------------------ lsslot

    @Descriptor("list dynamic-reconfiguration connectors like powerpc-utils lsslot: -c slot|pci (I/O slots),"
            + " cpu (CPU DRCs and their threads), mem (one block per LMB), all (every DRC in one table)")
    public String lsslot(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("connector type: slot (default), pci, phb, cpu, mem, or all")
            @Parameter(names = {"-c"}, absentValue = "slot") String type,
            @Descriptor("one character between fields and no heading line, like lsslot -F :")
            @Parameter(names = {"-F"}, absentValue = "") String delimiter,
            @Descriptor("only this DRC: a slot or CPU name, or an LMB's DRC index (0x80000008)")
            @Parameter(names = {"-s"}, absentValue = "") String only,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json)
            throws SystemFileException {
        if (help) {
            return help("lsslot");
        }
        if (!List.of("slot", "pci", "phb", "cpu", "mem", "all").contains(type)) {
            throw new IllegalArgumentException("invalid connector type '" + printable(type)
                    + "': expected slot, pci, phb, cpu, mem or all");
        }
        if (delimiter.length() > 1 || delimiter.equals("%")) {
            throw new IllegalArgumentException("-F takes one character other than %, e.g. -F : (not '"
                    + printable(delimiter) + "')");
        }
        if (!partition.present()) {
            throw new IllegalStateException("no DRCs here: /sys/kernel/dlpar is missing, this is not a POWER partition");
        }
        return switch (type) {
            case "mem" -> memory(only, delimiter, json);
            case "cpu" -> cpus(only, delimiter, json);
            case "all" -> all(delimiter, json);
            default -> slots(type, only, delimiter, json);
        };
    }

    /** powerpc-utils' drconf layout: a line for the LMB size, then a block of three or four lines per owned LMB. */
    private String memory(String only, String delimiter, boolean json) throws SystemFileException {
        Optional<DynamicMemory> drmem = partition.dynamicMemory();
        if (drmem.isEmpty()) {
            throw new IllegalStateException("this partition has no " + DynamicMemory.NODE + ": no LMBs to list");
        }
        long wanted = only.isEmpty() ? -1 : parseDrcIndex(only);
        Map<Long, String> names = new LinkedHashMap<>();
        partition.memoryDrcs().forEach(d -> names.put(d.index(), d.name()));
        List<List<Long>> lookup = associativityLookup();
        List<Map<String, Object>> records = new ArrayList<>();
        Table flat = new Table("drc-name", "drc-index", "address", "removable", "associativity", "sections");
        StringBuilder b = new StringBuilder(String.format("Dynamic Reconfiguration Memory (LMB size 0x%x)%n",
                drmem.get().lmbSize()));
        for (Lmb lmb : drmem.get().lmbs()) {
            if ((wanted >= 0 && lmb.drcIndex() != wanted) || !lmb.assigned()) {
                continue;
            }
            String name = names.getOrDefault(lmb.drcIndex(), String.format("LMB %x", lmb.drcIndex()));
            List<Integer> blocks = partition.blocks(lmb, drmem.get().lmbSize());
            List<Long> aa = lmb.aaIndex() == Lmb.NO_ASSOCIATIVITY || lmb.aaIndex() >= lookup.size() ? null
                    : lookup.get((int) lmb.aaIndex());
            b.append(name).append(": \n");
            b.append(String.format("    DRC Index: %x        Address: %x%n", lmb.drcIndex(), lmb.base()));
            b.append(String.format("    Removable: %s             Associativity: ", lmb.removable() ? "Yes" : "No "));
            if (aa == null) {
                b.append("Not Set\n");
            } else {
                b.append("(index: ").append(lmb.aaIndex()).append(") ");
                aa.forEach(v -> b.append(v).append(' '));
                b.append('\n');
            }
            b.append("    Section(s):");
            for (int i = 0; i < blocks.size(); i++) {
                b.append(i == 0 ? " " : ", ").append(blocks.get(i));
            }
            b.append('\n');
            String sections = String.join(",", blocks.stream().map(n -> "memory" + n).toList());
            flat.row(name, String.format("%x", lmb.drcIndex()), String.format("%x", lmb.base()), lmb.removable(),
                    aa == null ? null : aa.toString(), sections);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("drc-name", name);
            r.put("drc-index", String.format("0x%08x", lmb.drcIndex()));
            r.put("address", String.format("0x%x", lmb.base()));
            r.put("removable", lmb.removable());
            r.put("associativity-index", aa == null ? null : lmb.aaIndex());
            r.put("associativity", aa);
            r.put("sections", blocks.stream().map(n -> "memory" + n).toList());
            records.add(r);
        }
        if (json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("lmb-size", drmem.get().lmbSize());
            out.put("lmbs", records);
            return Json.write(out);
        }
        if (wanted >= 0 && records.isEmpty()) {
            throw new IllegalArgumentException("no owned LMB with DRC index " + printable(only));
        }
        return delimiter.isEmpty() ? b.toString() : flat.render(delimiter, false);
    }

    private long parseDrcIndex(String text) {
        try {
            long n = Long.decode(text.strip());
            if (n >= 0 && n <= 0xFFFF_FFFFL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid DRC index '" + printable(text)
                + "': expected a number such as 0x80000008");
    }

    /** {@code ibm,associativity-lookup-arrays}: a count, a list length, then the lists; empty where absent. */
    private List<List<Long>> associativityLookup() {
        byte[] value = partition.tree().property(DynamicMemory.NODE, LOOKUP_ARRAYS).orElse(new byte[0]);
        List<List<Long>> out = new ArrayList<>();
        if (value.length < 8) {
            return out;
        }
        ByteCursor c = new ByteCursor(value, DynamicMemory.NODE + "/" + LOOKUP_ARRAYS);
        long lists = c.u32();
        long size = c.u32();
        for (long i = 0; i < lists && c.remaining() >= 4 * size; i++) {
            List<Long> one = new ArrayList<>();
            for (long j = 0; j < size; j++) {
                one.add(c.u32());
            }
            out.add(one);
        }
        return out;
    }

    /** powerpc-utils' CPU layout: {@code %-10s%-20s%-11x} then each thread's logical CPU as {@code %-2x }. */
    private String cpus(String only, String delimiter, boolean json) throws SystemFileException {
        Map<Long, String> nodes = partition.cpuNodes();
        StringBuilder b = new StringBuilder();
        if (delimiter.isEmpty()) {
            b.append(String.format("%-10s%-20s%-11s%-13s%n", "drc-name", "OFDT-node", "drc_index", "thread id(s)"));
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (Drc d : partition.cpuDrcs()) {
            String node = nodes.get(d.index());
            if (node == null || (!only.isEmpty() && !only.equals(d.name()))) {
                continue;
            }
            List<Integer> threads = partition.logicalCpus(partition.hardwareThreads(node));
            String ofdt = node.substring(node.lastIndexOf('/') + 1);
            if (delimiter.isEmpty()) {
                b.append(String.format("%-10s%-20s%-11x", d.name(), ofdt, d.index()));
                threads.forEach(t -> b.append(String.format("%-2x ", t)));
                b.append('\n');
            } else {
                b.append(String.join(delimiter, d.name(), ofdt, Long.toHexString(d.index()),
                        String.join(" ", threads.stream().map(Integer::toHexString).toList()))).append('\n');
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("drc-name", d.name());
            r.put("ofdt-node", ofdt);
            r.put("drc-index", String.format("0x%08x", d.index()));
            r.put("threads", threads);
            records.add(r);
        }
        return json ? Json.write(Map.of("cpus", records)) : b.toString();
    }

    /** I/O connectors as the device tree lists them: powerpc-utils' slot and pci tables, read-only. */
    private String slots(String type, String only, String delimiter, boolean json) {
        List<Drc> io = partition.allDrcs()
                .filter(d -> !d.isCpu() && !d.isMemory())
                .filter(d -> type.equals("phb") == "PHB".equals(d.type()))
                .filter(d -> only.isEmpty() || only.equals(d.name()))
                .distinct().toList();
        Table t = type.equals("slot") ? new Table("# Slot", "Description", "Linux Name", "Device(s)")
                : type.equals("pci") ? new Table("# Slot", "Description", "Device(s)")
                : new Table("PHB name", "Description", "Slot(s) Connected");
        for (Drc d : io) {
            String description = "PHB".equals(d.type()) ? "PHB" : "Logical I/O Slot (type " + d.type() + ")";
            if (type.equals("slot")) {
                t.row(d.name(), description, d.parent(), "Empty");
            } else {
                t.row(d.name(), description, "Empty");
            }
        }
        if (json) {
            return Json.write(Map.of("slots", t.records()));
        }
        if (io.isEmpty()) {
            return "no " + (type.equals("phb") ? "PHB" : "I/O slot") + " connectors on this partition"
                    + (only.isEmpty() ? "" : " named " + printable(only));
        }
        if (!delimiter.isEmpty()) {
            return t.render(delimiter, false);
        }
        // powerpc-utils' own headings and widths: each column as wide as its widest cell plus two.
        List<String> headings = type.equals("slot") ? List.of("# Slot", "Description", "Linux Name", "Device(s)")
                : type.equals("pci") ? List.of("# Slot", "Description", "Device(s)")
                : List.of("PHB name", "Description", "Slot(s) Connected");
        List<List<String>> rows = new ArrayList<>();
        rows.add(headings);
        t.records().forEach(r -> rows.add(r.values().stream().map(String::valueOf).toList()));
        int[] width = new int[headings.size()];
        rows.forEach(r -> {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r.get(i).length() + 2);
            }
        });
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                line.append(i < r.size() - 1 ? String.format("%-" + width[i] + "s", r.get(i)) : r.get(i));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** Every DRC in one table: name, index, type, power domain, state and the OS devices behind it. */
    private String all(String delimiter, boolean json) throws SystemFileException {
        Table t = new Table("name", "index", "type", "power-domain", "state", "os-device");
        Map<Long, String> nodes = partition.cpuNodes();
        for (Drc d : partition.cpuDrcs()) {
            String node = nodes.get(d.index());
            String devices = node == null ? null
                    : "cpu" + String.join(",cpu", partition.logicalCpus(partition.hardwareThreads(node))
                            .stream().map(String::valueOf).toList());
            t.row(d.name(), d.indexHex(), d.type(), d.powerDomain(), node == null ? "empty" : "configured", devices);
        }
        Optional<DynamicMemory> drmem = partition.dynamicMemory();
        for (Drc d : partition.memoryDrcs()) {
            Optional<Lmb> lmb = drmem.flatMap(m -> m.byDrcIndex(d.index()));
            String state = lmb.map(l -> l.reserved() ? "reserved" : l.assigned() ? "assigned" : "unassigned").orElse("unknown");
            String devices = null;
            if (lmb.isPresent() && lmb.get().assigned()) {
                devices = "memory" + String.join(",memory", partition.blocks(lmb.get(), drmem.get().lmbSize())
                        .stream().map(String::valueOf).toList());
            }
            t.row(d.name(), d.indexHex(), d.type(), d.powerDomain(), state, devices);
        }
        if (json) {
            return Json.write(Map.of("drcs", t.records()));
        }
        return delimiter.isEmpty() ? t.toString() : t.render(delimiter, false);
    }

    private PrintStream progress() {
        return progressOut != null ? progressOut : System.out;
    }

    /** Who asked: the control socket's peer from the running command's session, else the local user. */
    private static String principal() {
        CommandSession session = CommandSession.Utils.current();
        return Principals.of(session == null ? null : session.get(Principals.SESSION_VARIABLE));
    }

    /** Progress goes to a test's stream, or to the session when someone is watching. */
    private PrintStream progressLines() {
        return progressOut != null ? progressOut : RequestRunner.whenInteractive(System.out);
    }

    private static String help(String function) {
        return CommandHelp.render(DlparCommands.class, "hotplug", function).stripTrailing();
    }

    /** Shell input shown in an error: control characters as '?', at most 80 characters. */
    static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cc}", "?");
    }
}
