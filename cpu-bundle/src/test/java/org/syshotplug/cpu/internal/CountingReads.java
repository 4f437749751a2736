package org.syshotplug.cpu.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.testing.ForwardingFiles;

/** Passes everything to the machine and counts the reads of each file, to pin how much a request reads. */
final class CountingReads extends ForwardingFiles {

    private final Map<String, Integer> reads = new ConcurrentHashMap<>();

    CountingReads(SystemFiles machine) {
        super(machine);
    }

    int reads(String path) {
        return reads.getOrDefault(path, 0);
    }

    int readsEndingWith(String suffix) {
        return reads.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).mapToInt(Map.Entry::getValue).sum();
    }

    @Override
    public String read(String path) throws SystemFileException {
        reads.merge(path, 1, Integer::sum);
        return machine.read(path);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        reads.merge(path, 1, Integer::sum);
        return machine.readBytes(path);
    }
}
