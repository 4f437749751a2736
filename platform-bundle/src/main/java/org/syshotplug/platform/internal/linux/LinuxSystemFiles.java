package org.syshotplug.platform.internal.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * The kernel's files under a root: {@code /} on a real machine, a captured fixture tree in tests.
 * Every kernel path is checked by {@link KernelPaths#requireSafe(String)} before anything touches
 * the file system, and the file it finally names (after the kernel's relative symlinks are
 * followed) must lie inside the root. A write is one {@code write(2)} of the whole value, because
 * a sysfs store sees exactly the bytes of one call; the kernel's errno comes back in the exception.
 */
public final class LinuxSystemFiles implements SystemFiles {

    private final Path root;

    /** @param root the folder that stands for {@code /}; must exist */
    public LinuxSystemFiles(Path root) {
        try {
            this.root = root.toAbsolutePath().normalize().toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("platform root " + root + " is not a readable folder: " + e, e);
        }
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("platform root " + root + " is not a folder");
        }
    }

    public Path root() {
        return root;
    }

    @Override
    public String read(String path) throws SystemFileException {
        return new String(readBytes(path, null), StandardCharsets.UTF_8);
    }

    @Override
    public byte[] readBytes(String path) throws SystemFileException {
        return readBytes(path, null);
    }

    private byte[] readBytes(String path, String value) throws SystemFileException {
        Path file = inside(path, value, true);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw failure(e, path, value);
        }
    }

    @Override
    public void write(String path, String value) throws SystemFileException {
        if (value == null) {
            throw new IllegalArgumentException("null value for " + path);
        }
        Path file = inside(path, value, true);
        ByteBuffer bytes = ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
        int length = bytes.remaining();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int written = channel.write(bytes);
            if (written == 0 && length > 0) {
                // The JDK reports write(2) failing with EAGAIN as "0 bytes written" (its non-blocking
                // convention), so a cpuhp callback's EAGAIN arrives here, not as an IOException.
                throw new SystemFileException(Errno.EAGAIN, path, value, null, null);
            }
            if (written != length) {
                // sysfs takes a store in one call; a short write means the value did not go in as one.
                throw new SystemFileException(Errno.EIO, path, value,
                        "short write: " + written + " of " + length + " bytes", null);
            }
        } catch (IOException e) {
            throw failure(e, path, value);
        }
    }

    @Override
    public List<String> list(String directory) throws SystemFileException {
        Path dir = inside(directory, null, true);
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = new ArrayList<>();
            entries.forEach(p -> names.add(p.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw failure(e, directory, null);
        }
    }

    @Override
    public boolean exists(String path) {
        try {
            return Files.exists(inside(path, null, true));
        } catch (SystemFileException e) {
            return false;
        }
    }

    @Override
    public boolean isDirectory(String path) {
        try {
            return Files.isDirectory(inside(path, null, true));
        } catch (SystemFileException e) {
            return false;
        }
    }

    @Override
    public String readLink(String path) throws SystemFileException {
        Path link = inside(path, null, false);
        try {
            Path text = Files.readSymbolicLink(link);
            // sysfs link text is relative to the folder the link really sits in, which may itself
            // have been reached through links (bus/acpi/devices/X -> devices/LNXSYSTM:00/...).
            Path target = text.isAbsolute() ? root.resolve(root.relativize(root.getRoot().resolve(text)))
                    : link.getParent().resolve(text).normalize();
            if (!target.startsWith(root)) {
                throw new SystemFileException(Errno.EACCES, path, null,
                        "link points outside the platform root " + root, null);
            }
            String kernelPath = "/" + root.relativize(target).toString().replace('\\', '/');
            return kernelPath.equals("/") ? "/" : KernelPaths.requireSafe(kernelPath);
        } catch (IOException e) {
            throw failure(e, path, null);
        } catch (IllegalArgumentException e) {
            throw new SystemFileException(Errno.EINVAL, path, null, e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "linux root=" + root;
    }

    /**
     * The file a kernel path names under the root: checked first, then resolved; when the file
     * exists, its real location (every link followed, or all but the last) must be inside the root.
     */
    private Path inside(String kernelPath, String value, boolean followLast) throws SystemFileException {
        KernelPaths.requireSafe(kernelPath);
        Path candidate = root.resolve(kernelPath.substring(1)).normalize();
        if (!candidate.startsWith(root)) {
            throw new SystemFileException(Errno.EACCES, kernelPath, value, "outside the platform root " + root, null);
        }
        Path real;
        try {
            real = followLast ? candidate.toRealPath()
                    : candidate.getParent().toRealPath().resolve(candidate.getFileName());
        } catch (NoSuchFileException e) {
            return candidate; // the access itself answers ENOENT (or the link text is dangling on purpose)
        } catch (IOException e) {
            throw failure(e, kernelPath, value);
        }
        if (!real.startsWith(root)) {
            throw new SystemFileException(Errno.EACCES, kernelPath, value,
                    "resolves to " + real + ", outside the platform root " + root, null);
        }
        return real;
    }

    /** The errno the kernel answered, from the JDK's exception type or its strerror text. */
    static SystemFileException failure(IOException e, String path, String value) {
        return new SystemFileException(errnoOf(e), path, value, null, e);
    }

    static Errno errnoOf(IOException e) {
        if (e instanceof NoSuchFileException) {
            return Errno.ENOENT;
        }
        if (e instanceof AccessDeniedException) {
            return Errno.EACCES;
        }
        if (e instanceof NotDirectoryException) {
            return Errno.ENOTDIR;
        }
        if (e instanceof NotLinkException) {
            return Errno.EINVAL; // what readlink(2) answers for a file that is not a link
        }
        String text = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage();
        Errno errno = Errno.fromMessage(text);
        return errno == null ? Errno.EIO : errno;
    }
}
