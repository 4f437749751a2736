package org.syshotplug.rtas.internal.devicetree;

import java.util.List;
import java.util.Optional;

/**
 * A device tree as nodes addressed by absolute paths ({@code /}, {@code /cpus},
 * {@code /cpus/PowerPC,POWER9@0}) holding raw properties. Implemented over a flattened blob
 * ({@link FlattenedDeviceTree}) and over the kernel's {@code /proc/device-tree} directory
 * ({@link ProcDeviceTree}); the DRC decoders read both the same way.
 */
public interface DeviceTree {
    /** The raw value of a property, or empty when the node or the property does not exist. */
    Optional<byte[]> property(String node, String name);

    /** The names of a node's children in the tree's order (empty when the node does not exist). */
    List<String> children(String node);

    /** The names of a node's properties. */
    List<String> properties(String node);

    default boolean hasNode(String node) {
        return node.equals("/") || children(parent(node)).contains(leaf(node));
    }

    /** {@code /a/b} from {@code /a} and {@code b}. */
    static String join(String node, String child) {
        return node.equals("/") ? "/" + child : node + "/" + child;
    }

    static String parent(String node) {
        int slash = node.lastIndexOf('/');
        return slash <= 0 ? "/" : node.substring(0, slash);
    }

    static String leaf(String node) {
        return node.substring(node.lastIndexOf('/') + 1);
    }
}
