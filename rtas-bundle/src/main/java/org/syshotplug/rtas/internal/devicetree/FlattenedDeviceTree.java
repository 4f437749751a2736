package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A flattened device tree blob (the format of {@code qemu -machine dumpdtb=} and of
 * {@code /sys/firmware/fdt}), decoded once into memory. Layout per the devicetree specification
 * (v17): a 40-byte big-endian header, the structure block of tokens ({@code FDT_BEGIN_NODE 1},
 * {@code FDT_END_NODE 2}, {@code FDT_PROP 3}, {@code FDT_NOP 4}, {@code FDT_END 9}, each aligned to
 * 4 bytes) and the strings block holding property names. Every offset and length is checked
 * against the blob before it is followed.
 */
public final class FlattenedDeviceTree implements DeviceTree {
    public static final long MAGIC = 0xd00dfeedL;
    private static final int BEGIN_NODE = 1;
    private static final int END_NODE = 2;
    private static final int PROP = 3;
    private static final int NOP = 4;
    private static final int END = 9;
    private static final int HEADER_SIZE = 40;
    private static final int MAX_DEPTH = 64;

    private final Map<String, Node> nodes = new LinkedHashMap<>();

    private static final class Node {
        final Map<String, byte[]> properties = new LinkedHashMap<>();
        final List<String> children = new ArrayList<>();
    }

    private FlattenedDeviceTree() {
    }

    /**
     * Decodes a blob.
     *
     * @throws MalformedDataException naming the offset in the blob of the first thing that does not fit
     */
    public static FlattenedDeviceTree parse(byte[] blob) {
        ByteCursor header = new ByteCursor(blob, "device-tree blob");
        long magic = header.u32();
        if (magic != MAGIC) {
            throw new MalformedDataException("device-tree blob", 0, "magic 0x" + Long.toHexString(magic)
                    + " is not 0xd00dfeed");
        }
        long total = header.u32();
        long structOffset = header.u32();
        long stringsOffset = header.u32();
        header.u32(); // memory reservation map: not needed for DRC reading
        long version = header.u32();
        header.u32(); // last compatible version
        header.u32(); // boot cpu
        long stringsSize = header.u32();
        long structSize = version >= 17 ? header.u32() : total - structOffset;
        if (total > blob.length || total < HEADER_SIZE) {
            throw new MalformedDataException("device-tree blob", 4, "totalsize " + total + " does not fit the "
                    + blob.length + " bytes given");
        }
        checkBlock("structure block", 8, structOffset, structSize, total);
        checkBlock("strings block", 12, stringsOffset, stringsSize, total);

        FlattenedDeviceTree tree = new FlattenedDeviceTree();
        ByteCursor strings = new ByteCursor(blob, (int) stringsOffset, (int) (stringsOffset + stringsSize),
                "device-tree strings block");
        // Offsets in messages about the structure block are absolute blob offsets.
        ByteCursor c = new ByteCursor(blob, 0, (int) (structOffset + structSize), "device-tree blob");
        c.seek((int) structOffset, "structure block");
        List<String> path = new ArrayList<>();
        boolean rootSeen = false;
        while (true) {
            int at = c.offset();
            long token = c.u32();
            if (token == BEGIN_NODE) {
                String name = c.cstring("node name");
                align(c);
                if (path.isEmpty() && rootSeen) {
                    throw new MalformedDataException("device-tree blob", at, "a second root node");
                }
                if (path.size() >= MAX_DEPTH) {
                    throw new MalformedDataException("device-tree blob", at, "nodes nested deeper than " + MAX_DEPTH);
                }
                String nodePath;
                if (path.isEmpty()) {
                    rootSeen = true;
                    nodePath = "/";
                } else {
                    String parent = path.get(path.size() - 1);
                    if (name.isEmpty() || name.indexOf('/') >= 0) {
                        throw new MalformedDataException("device-tree blob", at, "invalid node name '" + name + "'");
                    }
                    nodePath = DeviceTree.join(parent, name);
                    tree.nodes.get(parent).children.add(name);
                }
                if (tree.nodes.putIfAbsent(nodePath, new Node()) != null) {
                    throw new MalformedDataException("device-tree blob", at, "node " + nodePath + " appears twice");
                }
                path.add(nodePath);
            } else if (token == END_NODE) {
                if (path.isEmpty()) {
                    throw new MalformedDataException("device-tree blob", at, "FDT_END_NODE without an open node");
                }
                path.remove(path.size() - 1);
            } else if (token == PROP) {
                if (path.isEmpty()) {
                    throw new MalformedDataException("device-tree blob", at, "a property outside any node");
                }
                long length = c.u32();
                long nameOffset = c.u32();
                if (length > c.remaining()) {
                    throw new MalformedDataException("device-tree blob", at, "property length " + length
                            + " runs past the structure block (" + c.remaining() + " bytes remain)");
                }
                if (nameOffset >= stringsSize) {
                    throw new MalformedDataException("device-tree blob", at + 8, "property name offset " + nameOffset
                            + " is outside the " + stringsSize + "-byte strings block");
                }
                strings.seek((int) nameOffset, "property name");
                String name = strings.cstring("property name");
                byte[] value = c.bytes((int) length, "property " + name);
                align(c);
                tree.nodes.get(path.get(path.size() - 1)).properties.put(name, value);
            } else if (token == NOP) {
                continue;
            } else if (token == END) {
                if (!path.isEmpty()) {
                    throw new MalformedDataException("device-tree blob", at, "FDT_END with " + path.size()
                            + " node(s) still open (" + path.get(path.size() - 1) + ")");
                }
                break;
            } else {
                throw new MalformedDataException("device-tree blob", at, "unknown token 0x" + Long.toHexString(token));
            }
        }
        if (!rootSeen) {
            throw new MalformedDataException("device-tree blob", structOffset, "no root node");
        }
        return tree;
    }

    private static void checkBlock(String what, int headerOffset, long offset, long size, long total) {
        if (offset > total || size > total - offset) {
            throw new MalformedDataException("device-tree blob", headerOffset, what + " [" + offset + ", +" + size
                    + ") lies outside totalsize " + total);
        }
    }

    private static void align(ByteCursor c) {
        int pad = (4 - (c.offset() & 3)) & 3;
        if (pad > 0) {
            c.skip(Math.min(pad, c.remaining()), "padding");
        }
    }

    @Override
    public Optional<byte[]> property(String node, String name) {
        Node n = nodes.get(node);
        return n == null ? Optional.empty() : Optional.ofNullable(n.properties.get(name)).map(byte[]::clone);
    }

    @Override
    public List<String> children(String node) {
        Node n = nodes.get(node);
        return n == null ? List.of() : List.copyOf(n.children);
    }

    @Override
    public List<String> properties(String node) {
        Node n = nodes.get(node);
        return n == null ? List.of() : List.copyOf(n.properties.keySet());
    }

    @Override
    public boolean hasNode(String node) {
        return nodes.containsKey(node);
    }
}
