package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * The kernel's {@code /proc/device-tree}: a directory per node, a file per property, read through
 * {@link SystemFiles}. Every node path component and property name goes through
 * {@link KernelPaths#child}, so a name read from firmware never becomes a path on its own.
 */
public final class ProcDeviceTree implements DeviceTree {
    private final SystemFiles files;

    public ProcDeviceTree(SystemFiles files) {
        this.files = files;
    }

    /** The kernel path of a node ({@code /cpus} → {@code /proc/device-tree/cpus}). */
    public static String path(String node) {
        if (!node.startsWith("/")) {
            throw new IllegalArgumentException("device-tree node path '" + node + "' must be absolute");
        }
        String path = KernelPaths.DEVICE_TREE;
        if (node.equals("/")) {
            return path;
        }
        for (String part : node.substring(1).split("/", -1)) {
            path = KernelPaths.child(path, part);
        }
        return path;
    }

    @Override
    public Optional<byte[]> property(String node, String name) {
        String path = KernelPaths.child(path(node), name);
        if (!files.exists(path) || files.isDirectory(path)) {
            return Optional.empty();
        }
        try {
            return Optional.of(files.readBytes(path));
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot read device-tree property " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<String> children(String node) {
        return entries(node, true);
    }

    @Override
    public List<String> properties(String node) {
        return entries(node, false);
    }

    private List<String> entries(String node, boolean directories) {
        String dir = path(node);
        if (!files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try {
            for (String name : files.list(dir)) {
                if (files.isDirectory(KernelPaths.child(dir, name)) == directories) {
                    out.add(name);
                }
            }
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot list device-tree node " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public boolean hasNode(String node) {
        return files.isDirectory(path(node));
    }
}
