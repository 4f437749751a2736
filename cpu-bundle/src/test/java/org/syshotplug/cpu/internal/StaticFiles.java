package org.syshotplug.cpu.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * A fixed set of kernel files for validate-only tests of shapes the simulated x86 machine does not
 * take (every CPU hot-pluggable, as on POWER). Writes are refused: validate must never write.
 */
final class StaticFiles implements SystemFiles {

    private final Map<String, String> files = new TreeMap<>();

    StaticFiles put(String path, String content) {
        files.put(path, content + "\n");
        return this;
    }

    @Override
    public String read(String path) throws SystemFileException {
        String content = files.get(path);
        if (content == null) {
            throw new SystemFileException(Errno.ENOENT, path, null);
        }
        return content;
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return read(path).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        throw new SystemFileException(Errno.EROFS, path, value, "static test files take no writes", null);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        TreeSet<String> names = new TreeSet<>();
        for (String path : files.keySet()) {
            if (path.startsWith(directory + "/")) {
                names.add(path.substring(directory.length() + 1).split("/")[0]);
            }
        }
        if (names.isEmpty()) {
            throw new SystemFileException(Errno.ENOENT, directory, null);
        }
        return List.copyOf(names);
    }

    @Override
    public boolean exists(String path) {
        return files.containsKey(path) || isDirectory(path);
    }

    @Override
    public boolean isDirectory(String path) {
        return files.keySet().stream().anyMatch(p -> p.startsWith(path + "/"));
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        throw new SystemFileException(Errno.EINVAL, path, null);
    }

    @Override
    public String describe() {
        return "static test files";
    }
}
