package org.syshotplug.platform.internal.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.syshotplug.platform.KernelPaths;

/**
 * A directory of the simulated sysfs tree. Structural changes (adding and removing entries) must
 * happen while populating the machine or under {@link SysfsTree#locked(Runnable)}, which every
 * attribute's show and store already run under.
 */
public final class SimDirectory extends SimNode {

    private final TreeMap<String, SimNode> children = new TreeMap<>();

    SimDirectory(String name, SimDirectory parent) {
        super(name, parent);
    }

    /** The child directory {@code name}, created if missing. */
    public SimDirectory dir(String name) {
        SimNode existing = children.get(name);
        if (existing instanceof SimDirectory d) {
            return d;
        }
        if (existing != null) {
            throw new IllegalStateException(existing.path() + " exists and is not a directory");
        }
        return put(new SimDirectory(checked(name), this));
    }

    /** A read-only attribute (mode 0444); the show's value gets the kernel's trailing newline. */
    public SimAttribute readOnly(String name, SimAttribute.Show show) {
        return attribute(name, SimAttribute.READ_ONLY, show, null);
    }

    /** A read-only attribute with a fixed value (newline appended on read). */
    public SimAttribute constant(String name, String value) {
        return readOnly(name, () -> value);
    }

    /** A read-write attribute (mode 0644). */
    public SimAttribute readWrite(String name, SimAttribute.Show show, SimAttribute.Store store) {
        return attribute(name, SimAttribute.READ_WRITE, show, store);
    }

    /** A write-only attribute (mode 0200), like ACPI {@code eject} or memory {@code probe}. */
    public SimAttribute writeOnly(String name, SimAttribute.Store store) {
        return attribute(name, SimAttribute.WRITE_ONLY, null, store);
    }

    /** A text attribute with an explicit mode; a null show or store makes it write- or read-only. */
    public SimAttribute attribute(String name, int mode, SimAttribute.Show show, SimAttribute.Store store) {
        return put(new SimAttribute(checked(name), this, mode, show, null, store, true));
    }

    /** A text attribute whose show returns the exact content (no newline appended). */
    public SimAttribute raw(String name, int mode, SimAttribute.Show show, SimAttribute.Store store) {
        return put(new SimAttribute(checked(name), this, mode, show, null, store, false));
    }

    /** A binary attribute (mode 0400 unless given), read with {@code readBytes}. */
    public SimAttribute binary(String name, int mode, SimAttribute.BinaryShow show) {
        return put(new SimAttribute(checked(name), this, mode, null, show, null, false));
    }

    /** A symbolic link to an absolute kernel path (shown relative, as sysfs links are). */
    public SimLink link(String name, String absoluteTarget) {
        if (!absoluteTarget.startsWith("/sys/") && !absoluteTarget.startsWith("/proc/")) {
            KernelPaths.requireSafe(absoluteTarget); // throws, naming what is wrong
        }
        return put(new SimLink(checked(name), this, absoluteTarget));
    }

    /** Removes the entry {@code name} (and, for a directory, everything under it); no-op if absent. */
    public void remove(String name) {
        SimNode gone = children.remove(name);
        if (gone != null) {
            gone.detach();
        }
    }

    public SimNode child(String name) {
        return children.get(name);
    }

    public boolean has(String name) {
        return children.containsKey(name);
    }

    /** The entry names, sorted. */
    public List<String> names() {
        return new ArrayList<>(children.keySet());
    }

    public List<SimNode> children() {
        return new ArrayList<>(children.values());
    }

    private <T extends SimNode> T put(T node) {
        SimNode old = children.put(node.name(), node);
        if (old != null) {
            old.detach();
        }
        return node;
    }

    /**
     * Profiles create tens of thousands of entries: a plain loop rather than the regex and stream
     * checks of KernelPaths, with the same rule (one component, no control characters).
     */
    private static String checked(String name) {
        boolean ok = name != null && !name.isEmpty() && name.length() <= 255 && !name.equals(".")
                && !name.equals("..");
        for (int i = 0; ok && i < name.length(); i++) {
            char c = name.charAt(i);
            ok = c != '/' && !Character.isISOControl(c);
        }
        return ok ? name : KernelPaths.requireComponent(name);
    }
}
