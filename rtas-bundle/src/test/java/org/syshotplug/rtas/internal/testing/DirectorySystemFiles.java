package org.syshotplug.rtas.internal.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** Read-only kernel files under a captured fixture folder, for parser tests. */
public final class DirectorySystemFiles implements SystemFiles {
    private final Path root;

    public DirectorySystemFiles(Path root) {
        this.root = root;
    }

    /** A fixture that maps {@code /proc/device-tree} to {@code folder}. */
    public static SystemFiles deviceTree(Path folder) {
        return new DirectorySystemFiles(folder);
    }

    private Path resolve(String path) {
        KernelPaths.requireSafe(path);
        if (path.equals(KernelPaths.DEVICE_TREE)) {
            return root;
        }
        if (path.startsWith(KernelPaths.DEVICE_TREE + "/")) {
            return root.resolve(path.substring(KernelPaths.DEVICE_TREE.length() + 1));
        }
        return root.resolve(path.substring(1));
    }

    @Override
    public String read(String path) throws SystemFileException {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        try {
            return Files.readAllBytes(resolve(path));
        } catch (NoSuchFileException e) {
            throw new SystemFileException(Errno.ENOENT, path, null);
        } catch (IOException e) {
            throw new SystemFileException(Errno.EIO, path, null, e.getMessage(), e);
        }
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        throw new SystemFileException(Errno.EROFS, path, value);
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        try (Stream<Path> s = Files.list(resolve(directory))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new SystemFileException(Errno.ENOENT, directory, null);
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(resolve(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(resolve(path));
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        throw new SystemFileException(Errno.EINVAL, path, null);
    }

    @Override
    public String describe() {
        return "fixture " + root;
    }
}
