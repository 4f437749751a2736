package org.syshotplug.launcher;

import java.nio.file.Path;

/**
 * A second JVM for the lock tests: takes the data lock of args[0] (and, with args[1], the kernel
 * lock of that root), says "locked" on stdout, and holds both until its stdin closes.
 */
public final class LockHolder {

    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (OwnershipLock data = OwnershipLock.data(Path.of(args[0]));
                OwnershipLock kernel = args.length > 1 ? OwnershipLock.kernel(Path.of(args[1]), Path.of(args[0])) : null) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() != -1) {
                // hold until the parent closes our stdin
            }
        }
    }
}
