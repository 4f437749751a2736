package org.syshotplug.node.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Add and remove of {@code node:N}: checks the node rules, then replaces the node by the ejectable
 * ACPI objects that hold it (on a NUMA machine with hot-pluggable nodes, the node's container). It
 * runs before the firmware bus band so the ACPI bus validator checks those objects, the ACPI
 * resource handler turns them into CPUs and blocks, the CPU and memory handlers take them offline
 * (or online), and for a remove the eject handler ejects the objects in commit; once nothing of the
 * node is left the kernel takes the node offline itself (try_offline_node).
 *
 * <p>Without ACPI objects that cover the whole node (pseries, or x86 firmware whose node is not
 * hot-pluggable as a whole) the request is refused: nodes are then read-only for add and remove,
 * while online and offline still work.
 */
@Component(service = HotplugHandler.class, name = NodeFirmwareHandler.NAME, configurationPid = NodeConfig.PID)
@HotplugHandlerRegistration(phase = "validate", priority = NodeFirmwareHandler.PRIORITY,
        operations = {"add", "remove"}, devices = DeviceRef.NODE)
public class NodeFirmwareHandler implements HotplugHandler {

    static final String NAME = "org.syshotplug.node.firmware";
    /** Before the ACPI bus validator (100), which must see the objects the node maps to. */
    static final int PRIORITY = HandlerProperties.FIRMWARE_BUS - 10;

    private static final Logger LOG = LoggerFactory.getLogger(NodeFirmwareHandler.class);

    private final NodeTopology topology;
    private final FirmwareObjects firmware;
    private final SystemFiles files;
    private volatile boolean movableOnly;

    @Activate
    public NodeFirmwareHandler(@Reference(name = "files") SystemFiles files, NodeConfig config) {
        this(files, config.movableOnly());
    }

    /** For tests and chains built without DS. */
    public NodeFirmwareHandler(SystemFiles files, boolean movableOnly) {
        this.files = files;
        this.topology = new NodeTopology(files);
        this.firmware = new FirmwareObjects(files);
        this.movableOnly = movableOnly;
    }

    @Modified
    void modified(NodeConfig config) {
        movableOnly = config.movableOnly();
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        Operation operation = context.request().operation();
        List<DeviceRef> requested = context.devices(DeviceRef.NODE);
        for (DeviceRef target : requested) {
            try {
                NumaNode node = NodeRules.check(topology, target, requested, operation, movableOnly);
                if (!firmware.present()) {
                    throw HotplugException.veto(target, Errno.EOPNOTSUPP, operation.word() + " of a whole node needs"
                            + " firmware objects that " + (operation == Operation.ADD ? "add" : "eject") + " it ("
                            + KernelPaths.ACPI_DEVICES + " is missing" + (pseries() ? "; on pseries nodes are"
                            + " read-only: DLPAR adds and removes CPUs and LMBs, see hotplug:dlpar" : "")
                            + "); online and offline of node:" + target.id() + " work");
                }
                FirmwareObjects.Mapping mapping = firmware.forNode(node);
                if (!mapping.complete()) {
                    throw HotplugException.veto(target, Errno.EOPNOTSUPP, "node " + target.id() + " cannot be "
                            + (operation == Operation.ADD ? "added" : "removed") + " as a whole: "
                            + uncovered(mapping) + " belong to no ejectable ACPI object of the node alone;"
                            + " online and offline of node:" + target.id() + " work");
                }
                List<DeviceRef> objects = new ArrayList<>();
                mapping.objects().forEach(o -> objects.add(o.ref()));
                LOG.debug("request {}: {} resolves to {}", context.request().id(), target, objects);
                context.resolve(target, objects);
            } catch (SystemFileException e) {
                throw HotplugException.veto(target, e.errno(), "cannot read node " + target.id() + ": " + e.getMessage());
            } catch (IllegalStateException e) {
                throw HotplugException.veto(target, Errno.EIO, e.getMessage());
            }
        }
    }

    private boolean pseries() {
        return files.exists(KernelPaths.DEVICE_TREE + "/ibm,dynamic-reconfiguration-memory")
                || files.exists(KernelPaths.DLPAR);
    }

    private static String uncovered(FirmwareObjects.Mapping m) {
        List<String> parts = new ArrayList<>();
        BitSet cpus = m.uncoveredCpus();
        BitSet blocks = m.uncoveredBlocks();
        if (!cpus.isEmpty()) {
            parts.add("CPUs " + NodeList.format(cpus));
        }
        if (!blocks.isEmpty()) {
            parts.add("memory blocks " + NodeList.format(blocks));
        }
        return String.join(" and ", parts);
    }
}
