package org.syshotplug.platform.internal.sim;

import java.nio.charset.StandardCharsets;
import org.syshotplug.api.Errno;

/**
 * An attribute file: a {@code show} that computes the content on every read and a {@code store}
 * that receives exactly the bytes of one {@code write(2)}, as sysfs attributes do. Reading a file
 * without show, or writing one without store, answers EACCES: kernfs refuses the open itself
 * (kernfs_fop_open), even for root.
 */
public final class SimAttribute extends SimNode {

    /** Computes the value; text attributes get the kernel's trailing newline appended unless raw. */
    @FunctionalInterface
    public interface Show {
        String show() throws KernelErrno;
    }

    /** Receives the written value exactly as written (a trailing newline included, if any). */
    @FunctionalInterface
    public interface Store {
        void store(String value) throws KernelErrno;
    }

    /** Computes the bytes of a binary attribute (an ACPI table, a device-tree property). */
    @FunctionalInterface
    public interface BinaryShow {
        byte[] show() throws KernelErrno;
    }

    public static final int READ_ONLY = 0444;
    public static final int READ_WRITE = 0644;
    public static final int WRITE_ONLY = 0200;
    public static final int ROOT_READ_ONLY = 0400;

    private final int mode;
    private final Show show;
    private final BinaryShow binary;
    private final Store store;
    private final boolean newline;

    SimAttribute(String name, SimDirectory parent, int mode, Show show, BinaryShow binary, Store store,
            boolean newline) {
        super(name, parent);
        this.mode = mode;
        this.show = show;
        this.binary = binary;
        this.store = store;
        this.newline = newline;
    }

    /** The permission bits the kernel shows ({@code 0644}, {@code 0200}...). */
    public int mode() {
        return mode;
    }

    public boolean readable() {
        return show != null || binary != null;
    }

    public boolean writable() {
        return store != null;
    }

    /** The whole content as text (a binary attribute decoded as ISO-8859-1, byte for byte). */
    public String readText() throws KernelErrno {
        if (show != null) {
            String value = show.show();
            return newline ? value + "\n" : value;
        }
        if (binary != null) {
            return new String(binary.show(), StandardCharsets.ISO_8859_1);
        }
        throw new KernelErrno(Errno.EACCES, "attribute is write-only");
    }

    public byte[] readBytes() throws KernelErrno {
        if (binary != null) {
            return binary.show().clone();
        }
        return readText().getBytes(StandardCharsets.UTF_8);
    }

    public void write(String value) throws KernelErrno {
        if (store == null) {
            throw new KernelErrno(Errno.EACCES, "attribute is read-only");
        }
        if (value.isEmpty()) {
            return; // fs/sysfs/file.c sysfs_kf_write: a write of no bytes returns 0 without reaching the store
        }
        store.store(value);
    }
}
