package org.syshotplug.node.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.spi.HandlerContext;
import org.syshotplug.spi.HandlerProperties;
import org.syshotplug.spi.HotplugException;
import org.syshotplug.spi.HotplugHandler;
import org.syshotplug.spi.HotplugHandlerRegistration;

/**
 * Online and offline of {@code node:N}: checks the node rules, then replaces the node by its CPUs and
 * memory blocks, so the memory (300) and CPU (400) handlers that follow in validate check them and
 * then do the work in their usual order (offline: CPUs, then memory; online: memory, then CPUs), and
 * a failure anywhere rolls the whole node back. The kernel has no "offline node" file: a node is
 * its devices.
 */
@Component(service = HotplugHandler.class, name = NodeResourceHandler.NAME, configurationPid = NodeConfig.PID)
@Designate(ocd = NodeConfig.class)
@HotplugHandlerRegistration(phase = "validate", priority = NodeResourceHandler.PRIORITY,
        operations = {"online", "offline"}, devices = DeviceRef.NODE)
public class NodeResourceHandler implements HotplugHandler {

    static final String NAME = "org.syshotplug.node.resources";
    /** In the firmware-resources band, after the ACPI resource handler and before memory and CPU. */
    static final int PRIORITY = HandlerProperties.FIRMWARE_RESOURCES + 50;

    private static final Logger LOG = LoggerFactory.getLogger(NodeResourceHandler.class);

    private final NodeTopology topology;
    private volatile boolean movableOnly;

    @Activate
    public NodeResourceHandler(@Reference(name = "files") SystemFiles files, NodeConfig config) {
        this(files, config.movableOnly());
    }

    /** For tests and chains built without DS. */
    public NodeResourceHandler(SystemFiles files, boolean movableOnly) {
        this.topology = new NodeTopology(files);
        this.movableOnly = movableOnly;
    }

    @Modified
    void modified(NodeConfig config) {
        movableOnly = config.movableOnly();
    }

    @Override
    public void handle(HandlerContext context) throws HotplugException {
        Set<DeviceRef> already = new HashSet<>(context.devices());
        List<DeviceRef> requested = context.devices(DeviceRef.NODE);
        for (DeviceRef target : requested) {
            try {
                NumaNode node = NodeRules.check(topology, target, requested, context.request().operation(),
                        movableOnly);
                List<DeviceRef> devices = new ArrayList<>();
                BitSet blocks = node.blocks();
                for (int b = blocks.nextSetBit(0); b >= 0; b = blocks.nextSetBit(b + 1)) {
                    add(devices, already, DeviceRef.memory(b));
                }
                BitSet cpus = node.cpus();
                for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) {
                    add(devices, already, DeviceRef.cpu(c));
                }
                LOG.debug("request {}: {} resolves to {}", context.request().id(), target, devices);
                context.resolve(target, devices);
            } catch (SystemFileException e) {
                throw HotplugException.veto(target, e.errno(), "cannot read node " + target.id() + ": " + e.getMessage());
            } catch (IllegalStateException e) {
                throw HotplugException.veto(target, Errno.EIO, e.getMessage());
            }
        }
    }

    private static void add(List<DeviceRef> devices, Set<DeviceRef> already, DeviceRef d) {
        if (already.add(d)) {
            devices.add(d);
        }
    }
}
