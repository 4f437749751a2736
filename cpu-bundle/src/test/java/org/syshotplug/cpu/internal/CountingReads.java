package org.syshotplug.cpu.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** Passes everything to the machine and counts the reads of each file, to pin how much a request reads. */
final class CountingReads implements SystemFiles {

    private final SystemFiles machine;
    private final Map<String, Integer> reads = new ConcurrentHashMap<>();

    CountingReads(SystemFiles machine) {
        this.machine = machine;
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

    @Override
    public void write(String path, String value) throws SystemFileException {
        machine.write(path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        return machine.list(directory);
    }

    @Override
    public boolean exists(String path) {
        return machine.exists(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return machine.isDirectory(path);
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        return machine.readLink(path);
    }

    @Override
    public String describe() {
        return machine.describe();
    }
}
