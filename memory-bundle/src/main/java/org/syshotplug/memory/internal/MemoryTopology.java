package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** Reads the memory blocks from {@code /sys/devices/system/memory} through {@link SystemFiles}. */
final class MemoryTopology {

    static final String BLOCK_SIZE = KernelPaths.MEMORY_ROOT + "/block_size_bytes";
    static final String STATE = "state";

    private static final Pattern BLOCK_DIR = Pattern.compile("memory(0|[1-9][0-9]{0,9})");
    private static final Pattern NODE_LINK = Pattern.compile("node(0|[1-9][0-9]{0,4})");
    private static final Pattern HEX = Pattern.compile("(0[xX])?[0-9A-Fa-f]{1,16}");

    private final SystemFiles files;

    MemoryTopology(SystemFiles files) {
        this.files = files;
    }

    /** {@code block_size_bytes} is hex without {@code 0x} (drivers/base/memory.c prints it with %lx). */
    long blockSize() throws SystemFileException {
        long size = hex(BLOCK_SIZE);
        if (size <= 0) {
            throw new SystemFileException(Errno.EINVAL, BLOCK_SIZE, null, "block size " + size + " is not positive", null);
        }
        return size;
    }

    SortedSet<Integer> blockIds() throws SystemFileException {
        SortedSet<Integer> ids = new TreeSet<>();
        for (String name : files.list(KernelPaths.MEMORY_ROOT)) {
            if (BLOCK_DIR.matcher(name).matches()) {
                long id = Long.parseLong(name.substring(6));
                if (id <= Integer.MAX_VALUE) {
                    ids.add((int) id);
                }
            }
        }
        return ids;
    }

    /** Every block, in physical address order (which is id order on every kernel we know of). */
    List<MemoryBlock> blocks() throws SystemFileException {
        long blockSize = blockSize();
        List<MemoryBlock> blocks = new ArrayList<>();
        for (int id : blockIds()) {
            blocks.add(read(id, blockSize));
        }
        blocks.sort((a, b) -> Long.compare(a.physIndex(), b.physIndex()));
        return blocks;
    }

    Optional<MemoryBlock> block(int id) throws SystemFileException {
        if (!files.isDirectory(KernelPaths.memoryBlock(id))) {
            return Optional.empty();
        }
        return Optional.of(read(id, blockSize()));
    }

    private MemoryBlock read(int id, long blockSize) throws SystemFileException {
        long physIndex = hex(KernelPaths.memoryBlock(id, "phys_index"));
        String state = files.readValue(KernelPaths.memoryBlock(id, STATE));
        String removablePath = KernelPaths.memoryBlock(id, "removable");
        // Kernels since 5.13 always print 1: whether a block really empties is only known by trying.
        boolean removable = !files.exists(removablePath) || "1".equals(files.readValue(removablePath));
        String zonesPath = KernelPaths.memoryBlock(id, "valid_zones");
        List<String> zones = files.exists(zonesPath)
                ? Arrays.asList(files.readValue(zonesPath).split("\\s+"))
                : List.of();
        return new MemoryBlock(id, physIndex, blockSize, state, removable,
                zones.equals(List.of("")) ? List.of() : zones, node(id));
    }

    private Integer node(int id) throws SystemFileException {
        for (String name : files.list(KernelPaths.memoryBlock(id))) {
            if (NODE_LINK.matcher(name).matches()) {
                return Integer.parseInt(name.substring(4));
            }
        }
        return null;
    }

    private long hex(String path) throws SystemFileException {
        String value = files.readValue(path);
        if (!HEX.matcher(value).matches()) {
            throw new SystemFileException(Errno.EINVAL, path, null, "expected a hex number, read '"
                    + MemorySize.printable(value) + "'", null);
        }
        return Long.parseUnsignedLong(value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value, 16);
    }
}
