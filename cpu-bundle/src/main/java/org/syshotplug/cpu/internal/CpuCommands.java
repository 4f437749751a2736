package org.syshotplug.cpu.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.shell.CommandHelp;
import org.syshotplug.shell.DeviceRanges;
import org.syshotplug.shell.Principals;
import org.syshotplug.shell.RequestRunner;
import org.syshotplug.shell.ResultView;
import org.syshotplug.shell.Table;

/**
 * {@code lscpu -e} / {@code chcpu}-like commands. Changes go through {@link HotplugService}, so they
 * queue behind other requests and pass every handler's validation like any other request.
 */
@Component(service = CpuCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=cpus",
        "osgi.command.function=chcpu",
        "osgi.command.function=cpustates"})
public class CpuCommands {

    /** Up to this many CPUs, chcpu reports each on its own line, as util-linux does. */
    private static final int LINE_PER_CPU_UP_TO = 8;

    private final HotplugService hotplug;
    private final CpuTopology topology;
    /** Where progress lines go; the session's output when null. */
    PrintStream progressOut;

    @Activate
    public CpuCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.topology = new CpuTopology(files);
    }

    @Descriptor("list the CPUs like lscpu -e: online state, hot-pluggability, NUMA node and cpuhp state")
    public String cpus(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("print as JSON, like lscpu -J -e")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings)
            throws SystemFileException {
        if (help) {
            return help("cpus");
        }
        Table table = new Table("cpu", "node", "online", "present", "hotpluggable", "cpuhp-state", "cpuhp-target")
                .right(0, 1, 5, 6);
        for (Cpu cpu : topology.cpus()) {
            table.row(cpu.id(), cpu.node(), cpu.online(), cpu.present(), cpu.hotpluggable(), cpu.cpuhpState(),
                    cpu.cpuhpTarget());
        }
        return json ? Json.write(Map.of("cpus", table.records())) : table.render(raw, noHeadings);
    }

    @Descriptor("enable (online) or disable (offline) CPUs like chcpu, through the hot-plug request queue")
    public String chcpu(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("CPUs to enable, a list or ranges such as 1,3-5")
            @Parameter(names = {"-e", "--enable"}, absentValue = "") String enable,
            @Descriptor("CPUs to disable, a list or ranges such as 1,3-5")
            @Parameter(names = {"-d", "--disable"}, absentValue = "") String disable,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the request result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json)
            throws SystemFileException {
        if (help) {
            return help("chcpu");
        }
        if (enable.isEmpty() == disable.isEmpty()) {
            throw new IllegalArgumentException("give exactly one of -e <cpu-list> or -d <cpu-list>, e.g. chcpu -e 1,3-5");
        }
        boolean enabling = !enable.isEmpty();
        SortedSet<Integer> ids = CpuList.parse(enabling ? enable : disable);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("the CPU list is empty: name CPUs such as 1 or 3-5");
        }
        Map<Integer, Cpu> known = new TreeMap<>();
        topology.cpus().forEach(c -> known.put(c.id(), c));
        List<Integer> missing = ids.stream().filter(id -> !known.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("CPU " + DeviceRanges.summarise(missing.stream().map(DeviceRef::cpu).toList())
                    .replace("cpu:", "") + " does not exist (CPUs here: " + DeviceRanges.summarise(
                            known.keySet().stream().map(DeviceRef::cpu).toList()).replace("cpu:", "") + ")");
        }
        String word = enabling ? "enabled" : "disabled";
        // Read before submitting, as util-linux does: a CPU already there is reported, not requested.
        List<Integer> already = ids.stream().filter(id -> known.get(id).online() == enabling).toList();
        List<DeviceRef> targets = ids.stream().filter(id -> !already.contains(id)).map(DeviceRef::cpu).toList();
        StringBuilder out = new StringBuilder();
        lines(out, already, "is already " + word, "are already " + word);
        if (targets.isEmpty()) {
            return out.toString().stripTrailing();
        }
        HotplugRequest request = HotplugRequest.builder(enabling ? Operation.ONLINE : Operation.OFFLINE).targets(targets)
                .origin("shell").principal(principal()).build();
        HotplugResult result = RequestRunner.run(hotplug, request, quiet || json ? null : progressLines());
        if (json) {
            String text = Json.write(ResultView.record(result));
            if (!result.succeeded()) {
                progress().println(text);
                throw new IllegalStateException(ResultView.line(result));
            }
            return text;
        }
        if (!result.succeeded()) {
            throw new IllegalStateException(out + ResultView.line(result));
        }
        lines(out, targets.stream().map(DeviceRef::numericId).toList(), word, word);
        if (targets.size() > LINE_PER_CPU_UP_TO) {
            out.append(ResultView.line(result)).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** util-linux's words, one CPU a line; many CPUs folded into ranges on one line. */
    private static void lines(StringBuilder out, List<Integer> ids, String one, String many) {
        if (ids.isEmpty()) {
            return;
        }
        if (ids.size() <= LINE_PER_CPU_UP_TO) {
            ids.forEach(id -> out.append("CPU ").append(id).append(' ').append(one).append('\n'));
        } else {
            out.append("CPUs ").append(DeviceRanges.summarise(ids.stream().map(DeviceRef::cpu).toList()).replace("cpu:", ""))
                    .append(' ').append(many).append('\n');
        }
    }

    @Descriptor("show the kernel's cpuhp state table (/sys/devices/system/cpu/hotplug/states)")
    public String cpustates(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings)
            throws SystemFileException {
        if (help) {
            return help("cpustates");
        }
        Table table = new Table("state", "name").right(0);
        for (CpuhpState state : topology.states()) {
            table.row(state.number(), state.name());
        }
        return json ? Json.write(Map.of("states", table.records())) : table.render(raw, noHeadings);
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
        return CommandHelp.render(CpuCommands.class, "hotplug", function).stripTrailing();
    }
}
