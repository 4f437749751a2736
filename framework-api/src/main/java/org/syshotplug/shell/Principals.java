package org.syshotplug.shell;

/**
 * Who asked, for a request built by a shell command: the one rule every command bundle follows, so
 * history and the journal name the same person whichever command was used.
 *
 * <p>The control socket runs each client's commands in a session whose variable
 * {@value #SESSION_VARIABLE} holds the peer as the kernel reports it ({@code uid:1000}); that value
 * wins. Without it (the local console, or {@code bin/syshotplug -c} in a runtime of its own) the
 * person is whoever runs the JVM: {@code shell:<user.name>}.
 *
 * <p>The caller reads the variable, {@code CommandSession.Utils.current()} being null outside a
 * running command: this package stays free of Gogo, so importing it never drags Gogo in.
 */
public final class Principals {

    /** The Gogo session variable the control socket sets to its peer, {@code uid:<n>}. */
    public static final String SESSION_VARIABLE = "hotplug.principal";

    /** {@code HotplugRequest}'s limit on a principal's length. */
    static final int MAX_LENGTH = 128;
    private static final String LOCAL_PREFIX = "shell:";

    private Principals() {
    }

    /**
     * The principal for a request: {@code sessionValue} (the session's {@value #SESSION_VARIABLE})
     * when it is set and not blank, else {@link #local()}. Never null, and always one
     * {@code HotplugRequest} accepts: characters it refuses become {@code _}, and it is cut to its
     * length limit, so a garbled variable cannot make the command fail.
     */
    public static String of(Object sessionValue) {
        String value = sessionValue == null ? "" : sessionValue.toString().strip();
        return value.isEmpty() ? local() : cut(value.replaceAll("[^A-Za-z0-9._@:+-]", "_"), MAX_LENGTH);
    }

    /** {@code shell:<user.name>}: the user the JVM runs as, the person at the local console. */
    public static String local() {
        // ':' is left out of the name so the prefix stays the only separator.
        String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._@+-]", "_");
        return LOCAL_PREFIX + cut(user.isEmpty() ? "unknown" : user, MAX_LENGTH - LOCAL_PREFIX.length());
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }
}
