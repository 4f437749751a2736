package org.syshotplug.memory.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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

    @Activate
    public MemoryCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.topology = new MemoryTopology(files);
    }

    @Descriptor("list memory ranges like lsmem: merged ranges with their state, then the summary")
    public String lsmem(
            @Descriptor("columns, comma-separated: RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES")
            @Parameter(names = {"-o", "--output"}, absentValue = "") String output,
            @Descriptor("list each memory block on its own line")
            @Parameter(names = {"-a", "--all"}, absentValue = "false", presentValue = "true") boolean all,
            @Descriptor("split ranges by these columns: STATE,REMOVABLE,NODE,ZONES")
            @Parameter(names = {"-S", "--split"}, absentValue = "") String split,
            @Descriptor("print sizes in bytes")
            @Parameter(names = {"-b", "--bytes"}, absentValue = "false", presentValue = "true") boolean bytes,
            @Descriptor("print only the summary (block size, total online and offline memory)")
            @Parameter(names = {"-s", "--summary"}, absentValue = "false", presentValue = "true") boolean summaryOnly)
            throws SystemFileException {
        List<MemoryBlock> blocks = topology.blocks();
        long blockSize = topology.blockSize();
        String summary = LsmemReport.summary(blocks, blockSize, bytes);
        if (summaryOnly) {
            return summary;
        }
        List<LsmemReport.Column> columns = output.isEmpty() ? LsmemReport.DEFAULT_COLUMNS : LsmemReport.Column.parseList(output);
        Set<LsmemReport.Column> splitOn = split.isEmpty() ? LsmemReport.defaultSplit(columns) : LsmemReport.parseSplit(split);
        return LsmemReport.table(LsmemReport.ranges(blocks, splitOn, all), columns, bytes) + "\n" + summary;
    }

    @Descriptor("enable (online) or disable (offline) memory like chmem, by size, physical range or block numbers")
    public String chmem(
            @Descriptor("enable (online) the memory")
            @Parameter(names = {"-e", "--enable"}, absentValue = "false", presentValue = "true") boolean enable,
            @Descriptor("disable (offline) the memory")
            @Parameter(names = {"-d", "--disable"}, absentValue = "false", presentValue = "true") boolean disable,
            @Descriptor("the argument is a block number or range (32 or 32-39), not a size or an address range")
            @Parameter(names = {"-b", "--blocks"}, absentValue = "false", presentValue = "true") boolean blocks,
            @Descriptor("zone to online into: online, online_movable (Movable) or online_kernel (Normal)")
            @Parameter(names = {"-z", "--zone"}, absentValue = "") String zone,
            @Descriptor("a size with K/M/G/T suffix (2G), a range 0xSTART-0xEND, or with -b block numbers") String what)
            throws InterruptedException, InvocationTargetException {
        if (enable == disable) {
            throw new IllegalArgumentException("give exactly one of -e (enable) or -d (disable), e.g. chmem -e 1G");
        }
        if (!zone.isEmpty() && disable) {
            throw new IllegalArgumentException("-z chooses the zone to online into; it has no meaning with -d");
        }
        HotplugRequest.Builder request = HotplugRequest.builder(enable ? Operation.ONLINE : Operation.OFFLINE).origin("shell");
        if (blocks) {
            List<DeviceRef> targets = new ArrayList<>();
            MemorySelection.parseBlocks(what).forEach(id -> targets.add(DeviceRef.memory(id)));
            request.targets(targets);
        } else {
            request.target(DeviceRef.any(DeviceRef.MEMORY))
                    .parameter(what.strip().toLowerCase(java.util.Locale.ROOT).startsWith("0x") ? MemoryValidateHandler.RANGE
                            : MemoryValidateHandler.SIZE, what.strip());
        }
        if (!zone.isEmpty()) {
            request.parameter(MemoryValidateHandler.ZONE, OnlineZone.parse(zone).word());
        }
        HotplugResult result = hotplug.submit(request.build()).getValue();
        if (!result.succeeded()) {
            throw new IllegalStateException(result.summary());
        }
        return result.summary();
    }
}
