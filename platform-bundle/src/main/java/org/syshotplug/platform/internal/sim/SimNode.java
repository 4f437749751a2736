package org.syshotplug.platform.internal.sim;

/** One entry of the simulated sysfs tree: a directory, an attribute file or a symbolic link. */
public abstract class SimNode {

    private final String name;
    private volatile SimDirectory parent;

    SimNode(String name, SimDirectory parent) {
        this.name = name;
        this.parent = parent;
    }

    public final String name() {
        return name;
    }

    /** The containing directory, or null for the root and for a node that was removed. */
    public final SimDirectory parent() {
        return parent;
    }

    final void detach() {
        parent = null;
    }

    /** The absolute kernel path of this node ({@code /} for the root). */
    public final String path() {
        if (parent == null) {
            return name.isEmpty() ? "/" : name;
        }
        StringBuilder b = new StringBuilder();
        appendPath(b);
        return b.toString();
    }

    final void appendPath(StringBuilder b) {
        if (parent != null) {
            parent.appendPath(b);
            b.append('/').append(name);
        }
    }
}
