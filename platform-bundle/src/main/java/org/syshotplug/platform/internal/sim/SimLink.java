package org.syshotplug.platform.internal.sim;

/**
 * A symbolic link. The target is kept as an absolute kernel path; {@link #relativeTarget()} gives
 * the text the kernel would show ({@code ../../node/node0}), since sysfs links are always relative.
 */
public final class SimLink extends SimNode {

    private final String target;

    SimLink(String name, SimDirectory parent, String target) {
        super(name, parent);
        this.target = target;
    }

    /** The absolute kernel path this link points to. */
    public String target() {
        return target;
    }

    /** The link text relative to the link's directory, as {@code readlink} shows it on sysfs. */
    public String relativeTarget() {
        SimDirectory dir = parent();
        String from = dir == null ? "/" : dir.path();
        return relativize(from, target);
    }

    static String relativize(String fromDir, String to) {
        String[] a = fromDir.equals("/") ? new String[0] : fromDir.substring(1).split("/");
        String[] b = to.substring(1).split("/");
        int common = 0;
        while (common < a.length && common < b.length && a[common].equals(b[common])) {
            common++;
        }
        StringBuilder r = new StringBuilder();
        for (int i = common; i < a.length; i++) {
            r.append("../");
        }
        for (int i = common; i < b.length; i++) {
            r.append(b[i]);
            if (i < b.length - 1) {
                r.append('/');
            }
        }
        return r.length() == 0 ? "." : r.toString();
    }
}
