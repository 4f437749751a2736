package org.syshotplug.memory.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
import org.syshotplug.shell.Principals;
import org.syshotplug.shell.RequestRunner;
import org.syshotplug.shell.ResultView;
import org.syshotplug.shell.Table;

/**
 * {@code lsmem}- and {@code chmem}-like commands. chmem builds a request and submits it to
 * {@link HotplugService}; the memory validate handler picks the blocks for a size or a range.
 */
@Component(service = MemoryCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=lsmem",
        "osgi.command.function=chmem"})
public class MemoryCommands {

    private final HotplugService hotplug;
    private final MemoryTopology topology;
    /** Where progress lines go; the session's output when null. */
    PrintStream progressOut;

    @Activate
    public MemoryCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.topology = new MemoryTopology(files);
    }

    @Descriptor("list memory ranges like lsmem: merged ranges with their state, then the summary")
    public String lsmem(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("columns, comma-separated: RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES")
            @Parameter(names = {"-o", "--output"}, absentValue = "") String output,
            @Descriptor("list each memory block on its own line")
            @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
            @Descriptor("split ranges by these columns: STATE,REMOVABLE,NODE,ZONES")
            @Parameter(names = {"-S", "--split"}, absentValue = "") String split,
            @Descriptor("print sizes in bytes")
            @Parameter(names = {"-b", "--bytes"}, absentValue = "false", presentValue = "true") boolean bytes,
            @Descriptor("print only the summary (block size, total online and offline memory)")
            @Parameter(names = {"--summary"}, absentValue = "false", presentValue = "true") boolean summaryOnly,
            @Descriptor("print the ranges as JSON, like lsmem -J")
            @Parameter(names = {"-J", "--json"}, absentValue = "false", presentValue = "true") boolean json,
            @Descriptor("raw output, like lsmem -r (no summary)")
            @Parameter(names = {"-r", "--raw"}, absentValue = "false", presentValue = "true") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, absentValue = "false", presentValue = "true") boolean noHeadings)
            throws SystemFileException {
        if (help) {
            return help("lsmem");
        }
        List<MemoryBlock> blocks = topology.blocks();
        long blockSize = topology.blockSize();
        String summary = LsmemReport.summary(blocks, blockSize, bytes);
        if (summaryOnly) {
            return summary;
        }
        List<LsmemReport.Column> columns = output.isEmpty() ? LsmemReport.DEFAULT_COLUMNS : LsmemReport.Column.parseList(output);
        Set<LsmemReport.Column> splitOn = split.isEmpty() ? LsmemReport.defaultSplit(columns) : LsmemReport.parseSplit(split);
        Table table = LsmemReport.table(LsmemReport.ranges(blocks, splitOn, all), columns, bytes);
        if (json) {
            return Json.write(LsmemReport.json(table));
        }
        // lsmem prints the summary after a table for people, not after raw output for scripts.
        return table.render(raw, noHeadings) + (raw ? "" : "\n" + summary);
    }

    @Descriptor("enable (online) or disable (offline) memory like chmem, by size, physical range or block numbers")
    public String chmem(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("enable (online) the memory")
            @Parameter(names = {"-e", "--enable"}, absentValue = "false", presentValue = "true") boolean enable,
            @Descriptor("disable (offline) the memory")
            @Parameter(names = {"-d", "--disable"}, absentValue = "false", presentValue = "true") boolean disable,
            @Descriptor("the argument is a block number or range (32 or 32-39), not a size or an address range")
            @Parameter(names = {"-b", "--blocks"}, absentValue = "false", presentValue = "true") boolean blocks,
            @Descriptor("zone to online into: online, online_movable (Movable) or online_kernel (Normal)")
            @Parameter(names = {"-z", "--zone"}, absentValue = "") String zone,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the request result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("size: with K/M/G/T suffix (2G), a range 0xSTART-0xEND, or with -b block numbers") String... what) {
        if (help) {
            return help("chmem");
        }
        if (what.length != 1) {
            throw new IllegalArgumentException("name one size (2G), address range (0x100000000-0x13fffffff) or, with -b,"
                    + " block range (32-39); see hotplug:chmem --help");
        }
        if (enable == disable) {
            throw new IllegalArgumentException("give exactly one of -e (enable) or -d (disable), e.g. chmem -e 1G");
        }
        if (!zone.isEmpty() && disable) {
            throw new IllegalArgumentException("-z chooses the zone to online into; it has no meaning with -d");
        }
        HotplugRequest.Builder request = HotplugRequest.builder(enable ? Operation.ONLINE : Operation.OFFLINE).origin("shell")
                .principal(principal());
        if (blocks) {
            List<DeviceRef> targets = new ArrayList<>();
            MemorySelection.parseBlocks(what[0]).forEach(id -> targets.add(DeviceRef.memory(id)));
            request.targets(targets);
        } else {
            request.target(DeviceRef.any(DeviceRef.MEMORY))
                    .parameter(what[0].strip().toLowerCase(java.util.Locale.ROOT).startsWith("0x") ? MemoryValidateHandler.RANGE
                            : MemoryValidateHandler.SIZE, what[0].strip());
        }
        if (!zone.isEmpty()) {
            request.parameter(MemoryValidateHandler.ZONE, OnlineZone.parse(zone).word());
        }
        HotplugResult result = RequestRunner.run(hotplug, request.build(), quiet || json ? null : progressLines());
        String text = json ? Json.write(ResultView.record(result)) : ResultView.line(result);
        if (!result.succeeded()) {
            if (json) {
                progress().println(text);
            }
            throw new IllegalStateException(ResultView.line(result));
        }
        return text;
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
        return CommandHelp.render(MemoryCommands.class, "hotplug", function).stripTrailing();
    }
}
