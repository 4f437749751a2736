package org.syshotplug.control.internal;

import java.io.IOException;
import java.net.SocketOption;
import java.nio.file.attribute.UserPrincipal;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Who is on the other end of the socket, as the kernel says (SO_PEERCRED, through
 * {@code jdk.net.ExtendedSocketOptions}), written {@code uid:<uid>} for the request's principal.
 * The JDK hands over the user's name, not the number, so the name is mapped back: the service's own
 * user and root directly (with a 0600 socket nobody else can connect), others through
 * {@code /etc/passwd}; a name that cannot be mapped is kept as {@code user:<name>}.
 */
final class PeerPrincipal {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._@+-]{1,100}");
    private static final SocketOption<?> SO_PEERCRED = peerCredOption();

    private PeerPrincipal() {
    }

    /** The peer as {@code uid:N}, or {@code null} when the platform does not say. */
    static String of(SocketChannel channel) {
        if (SO_PEERCRED == null) {
            return null;
        }
        try {
            // a jdk.net.UnixDomainPrincipal: its user() is a java.nio UserPrincipal
            Object peer = channel.getOption(SO_PEERCRED);
            Object user = peer == null ? null : peer.getClass().getMethod("user").invoke(peer);
            return user instanceof UserPrincipal u ? principal(u.getName()) : null;
        } catch (IOException | ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static String principal(String user) {
        String uid = uidOf(user);
        if (uid != null) {
            return "uid:" + uid;
        }
        return SAFE.matcher(user).matches() ? "user:" + user : null;
    }

    /** The numeric uid of a user name, or null. */
    static String uidOf(String user) {
        if (user.chars().allMatch(Character::isDigit) && !user.isEmpty()) {
            // no passwd entry: the JDK gives the number itself
            return user;
        }
        if ("root".equals(user)) {
            return "0";
        }
        try {
            if (user.equals(Files.getOwner(Path.of("/proc/self")).getName())) {
                return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // not Linux /proc: try passwd below
        }
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length > 2 && f[0].equals(user) && !f[2].isEmpty() && f[2].chars().allMatch(Character::isDigit)) {
                    return f[2];
                }
            }
        } catch (IOException e) {
            // no passwd file
        }
        return null;
    }

    /**
     * {@code jdk.net.ExtendedSocketOptions.SO_PEERCRED} from the platform class loader: the bundle
     * imports no {@code jdk.*} package, which the framework may not export.
     */
    private static SocketOption<?> peerCredOption() {
        try {
            Class<?> options = ClassLoader.getPlatformClassLoader().loadClass("jdk.net.ExtendedSocketOptions");
            return (SocketOption<?>) options.getField("SO_PEERCRED").get(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
