package org.syshotplug.node.internal;

import java.util.BitSet;
import java.util.List;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.spi.HotplugException;

/**
 * The rules the kernel applies to a node leaving or coming, checked before anything changes so the
 * refusal is one sentence rather than a half-done request: the node must exist; bring-up needs its
 * devices present; tear-down never takes the node of the boot CPU, never the last node with normal
 * (kernel) memory, and (overridable) only nodes whose online memory is all in ZONE_MOVABLE.
 * A node without CPUs or without memory is fine either way.
 */
final class NodeRules {

    private NodeRules() {
    }

    /** The node {@code ref} names, after every rule for {@code operation} passed. */
    static NumaNode check(NodeTopology topology, DeviceRef ref, Operation operation, boolean movableOnly)
            throws HotplugException, SystemFileException {
        return check(topology, ref, List.of(ref), operation, movableOnly);
    }

    /**
     * As above, for one of several nodes of one request ({@code all}): the nodes leaving together
     * must leave some other node with normal memory.
     */
    static NumaNode check(NodeTopology topology, DeviceRef ref, List<DeviceRef> all, Operation operation,
            boolean movableOnly) throws HotplugException, SystemFileException {
        if (ref.isWildcard()) {
            throw HotplugException.veto(ref, Errno.EINVAL, "node:* is not supported: name the node, e.g. node:1"
                    + " (hotplug:nodes lists them)");
        }
        if (!topology.present()) {
            throw HotplugException.veto(ref, Errno.EOPNOTSUPP, "this kernel shows no NUMA nodes ("
                    + KernelPaths.NODE_ROOT + " is missing): it was built without CONFIG_NUMA");
        }
        List<NumaNode> nodes = topology.nodes();
        int id = ref.numericId();
        NumaNode node = nodes.stream().filter(n -> n.id() == id).findFirst().orElseThrow(() -> HotplugException.veto(
                ref, Errno.ENODEV, "no node " + id + ": the possible nodes are "
                        + nodeList(nodes) + " (" + KernelPaths.NODE_ROOT + "/possible)"));
        if (!node.online() || !node.hasDevices()) {
            throw HotplugException.veto(ref, Errno.ENODEV, "node " + id + " has no CPUs or memory present"
                    + (operation.isBringUp()
                            ? ": firmware has to add them first (on ACPI a device check on the node's container)"
                            : ", so there is nothing to " + operation.word()));
        }
        if (operation.isBringUp()) {
            return node;
        }
        int bootNode = topology.bootNode(nodes);
        if (bootNode == id) {
            throw HotplugException.veto(ref, Errno.EPERM, "node " + id + " holds CPU " + NodeTopology.BOOT_CPU
                    + ", the boot CPU, which Linux never takes offline: node " + id + " cannot be "
                    + (operation == Operation.REMOVE ? "removed" : "offlined") + "; offline its other CPUs and"
                    + " memory blocks one by one instead");
        }
        if (node.hasNormalMemory()) {
            java.util.Set<String> leaving = new java.util.HashSet<>();
            all.forEach(d -> leaving.add(d.id()));
            BitSet normal = new BitSet();
            nodes.stream().filter(NumaNode::hasNormalMemory).forEach(n -> normal.set(n.id()));
            if (nodes.stream().noneMatch(n -> n.hasNormalMemory() && !leaving.contains(Integer.toString(n.id())))) {
                throw HotplugException.veto(ref, Errno.EBUSY, (leaving.size() == 1 ? "node " + id + " is the last node"
                        : "nodes " + String.join(", ", leaving.stream().sorted().toList()) + " are the last nodes")
                        + " with normal (kernel) memory (" + KernelPaths.NODE_ROOT + "/has_normal_memory = "
                        + NodeList.format(normal) + "): without " + (leaving.size() == 1 ? "it" : "them")
                        + " the kernel would have nowhere to allocate its"
                        + " own memory");
            }
        }
        BitSet blocks = node.blocks();
        for (int b = blocks.nextSetBit(0); b >= 0; b = blocks.nextSetBit(b + 1)) {
            if (!topology.blockRemovable(b)) {
                throw HotplugException.veto(DeviceRef.memory(b), Errno.EBUSY, "memory block " + b + " of node " + id
                        + " is not removable (" + KernelPaths.memoryBlock(b, "removable") + " = 0)");
            }
            if (movableOnly && topology.blockOnline(b) && !topology.zoneOf(b).equals("Movable")) {
                throw HotplugException.overridableVeto(DeviceRef.memory(b), "memory block " + b + " of node " + id
                        + " is online in zone " + topology.zoneOf(b) + ", not Movable: the kernel cannot promise to"
                        + " empty it, so movableOnly (PID " + NodeConfig.PID + ") refuses to take node " + id
                        + " away; use force to try anyway");
            }
        }
        return node;
    }

    static String nodeList(List<NumaNode> nodes) {
        BitSet b = new BitSet();
        nodes.forEach(n -> b.set(n.id()));
        return b.isEmpty() ? "none" : NodeList.format(b);
    }
}
