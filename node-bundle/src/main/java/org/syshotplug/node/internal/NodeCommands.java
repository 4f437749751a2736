package org.syshotplug.node.internal;

import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * {@code hotplug:nodes}: the NUMA nodes as {@code numactl -H} shows them, then one row per possible
 * node with its present and online CPUs, memory blocks, the node-state masks and the firmware object
 * that holds it; on pseries also the firmware's associativity domains (read-only). Requests on a
 * node go through the generic commands: {@code hotplug:offline node:1}, {@code hotplug:remove node:1}.
 */
@Component(service = NodeCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=nodes"})
public class NodeCommands {

    private final NodeTopology topology;
    private final NodeFirmwareView firmware;

    @Activate
    public NodeCommands(@Reference(name = "files") SystemFiles files) {
        this.topology = new NodeTopology(files);
        this.firmware = new NodeFirmwareView(files);
    }

    @Descriptor("show the NUMA nodes like numactl -H, then each node's CPUs, memory blocks, masks and firmware object;"
            + " change a node with hotplug:offline/online/remove/add node:N")
    public String nodes(
            @Descriptor("only the numactl -H part (available, cpus, size, free, distances)")
            @Parameter(names = {"-H", "--hardware"}, absentValue = "false", presentValue = "true") boolean hardware,
            @Descriptor("only the node table (NODE STATE CPUS ONLINE-CPUS BLOCKS MEMORY FREE HAS_CPU HAS_MEMORY NORMAL"
                    + " FIRMWARE)")
            @Parameter(names = {"-l", "--list"}, absentValue = "false", presentValue = "true") boolean list)
            throws SystemFileException {
        if (hardware && list) {
            throw new IllegalArgumentException("give at most one of -H (numactl view) and -l (node table)");
        }
        if (!topology.present()) {
            String text = "this kernel shows no NUMA nodes (" + KernelPaths.NODE_ROOT + " is missing)\n";
            return firmware.pseries() ? text + "\n" + firmware.pseriesReport() : text;
        }
        List<NumaNode> nodes = topology.nodes();
        if (hardware) {
            return NodeReport.hardware(nodes);
        }
        String table = NodeReport.table(nodes, firmware.objects(nodes));
        if (list) {
            return table;
        }
        String out = NodeReport.hardware(nodes) + "\n" + table;
        return firmware.pseries() ? out + "\n" + firmware.pseriesReport() : out;
    }
}
