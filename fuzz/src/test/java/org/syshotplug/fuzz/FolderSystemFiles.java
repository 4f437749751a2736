package org.syshotplug.fuzz;

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

/**
 * Kernel files under a temporary folder ({@code /sys/x} is {@code <root>/sys/x}) whose contents a
 * test sets to whatever it likes: garbage, nothing, megabytes. Writes replace the file, as a
 * sysfs store would; every path goes through {@link KernelPaths#requireSafe} first, as with the
 * real implementations.
 */
public final class FolderSystemFiles implements SystemFiles {

    private final Path root;

    public FolderSystemFiles(Path root) {
        this.root = root;
    }

    /** Creates or replaces a kernel file with this content (parent folders created). */
    public FolderSystemFiles put(String kernelPath, String content) {
        return put(kernelPath, content.getBytes(StandardCharsets.UTF_8));
    }

    public FolderSystemFiles put(String kernelPath, byte[] content) {
        try {
            Path p = resolve(kernelPath);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public FolderSystemFiles folder(String kernelPath) {
        try {
            Files.createDirectories(resolve(kernelPath));
            return this;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path resolve(String path) {
        return root.resolve(KernelPaths.requireSafe(path).substring(1));
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
        Path p = resolve(path);
        if (!Files.isRegularFile(p)) {
            throw new SystemFileException(Errno.ENOENT, path, value);
        }
        try {
            Files.writeString(p, value);
        } catch (IOException e) {
            throw new SystemFileException(Errno.EIO, path, value, e.getMessage(), e);
        }
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        try (Stream<Path> s = Files.list(resolve(directory))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new SystemFileException(Errno.ENOENT, directory, null);
        } catch (IOException e) {
            throw new SystemFileException(Errno.ENOTDIR, directory, null, e.getMessage(), e);
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
        throw new SystemFileException(Errno.EINVAL, path, null, "not a symbolic link in this test tree", null);
    }

    @Override
    public String describe() {
        return "test folder " + root;
    }
}
