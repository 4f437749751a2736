package org.syshotplug.acpi.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * Test-only {@link SystemFiles} over a directory holding a copy of {@code /sys} (a captured fixture or a
 * tree a test builds), resolving symbolic links the way sysfs does: relative to the real directory.
 * Writes are recorded in {@link #writes()} and also stored in the file.
 */
final class DirectoryFiles implements SystemFiles {

    private final Path root;
    private final List<String> writes = new ArrayList<>();
    private final java.util.Map<String, Errno> failingWrites = new java.util.HashMap<>();
    private final java.util.Map<String, Runnable> afterWrite = new java.util.HashMap<>();

    DirectoryFiles(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("fixture root " + root + " missing", e);
        }
    }

    List<String> writes() {
        return writes;
    }

    /** Runs {@code effect} after each successful write to {@code path} (what the kernel does in response). */
    DirectoryFiles afterWrite(String path, Runnable effect) {
        afterWrite.put(path, effect);
        return this;
    }

    /** Makes every write to {@code path} fail with {@code errno}, as the kernel would answer. */
    DirectoryFiles failWrites(String path, Errno errno) {
        failingWrites.put(path, errno);
        return this;
    }

    private Path at(String path) {
        return root.resolve(KernelPaths.requireSafe(path).substring(1));
    }

    @Override
    public String read(String path) throws SystemFileException {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        try {
            return Files.readAllBytes(at(path));
        } catch (NoSuchFileException e) {
            throw new SystemFileException(Errno.ENOENT, path, null);
        } catch (IOException e) {
            throw new SystemFileException(Errno.EIO, path, null, e.getMessage(), e);
        }
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        Errno failure = failingWrites.get(path);
        if (failure != null) {
            throw new SystemFileException(failure, path, value);
        }
        writes.add(path + "=" + value);
        try {
            Files.writeString(at(path), value);
        } catch (IOException e) {
            throw new SystemFileException(Errno.EIO, path, value, e.getMessage(), e);
        }
        Runnable effect = afterWrite.get(path);
        if (effect != null) {
            effect.run();
        }
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        try (Stream<Path> s = Files.list(at(directory))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            throw new SystemFileException(Errno.ENOENT, directory, null);
        } catch (IOException e) {
            throw new SystemFileException(Errno.ENOTDIR, directory, null, e.getMessage(), e);
        }
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(at(path));
    }

    @Override
    public boolean isDirectory(String path) {
        return Files.isDirectory(at(path));
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        Path link = at(path);
        if (!Files.isSymbolicLink(link)) {
            throw new SystemFileException(Errno.EINVAL, path, null, "not a symbolic link", null);
        }
        try {
            Path target = link.getParent().toRealPath().resolve(Files.readSymbolicLink(link)).normalize();
            if (!target.startsWith(root)) {
                throw new SystemFileException(Errno.EINVAL, path, null, "link leaves the fixture root", null);
            }
            return "/" + root.relativize(target);
        } catch (IOException e) {
            throw new SystemFileException(Errno.EIO, path, null, e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "directory " + root;
    }

    boolean isLink(String path) {
        return Files.isSymbolicLink(at(path)) && !Files.isDirectory(at(path), LinkOption.NOFOLLOW_LINKS);
    }
}
