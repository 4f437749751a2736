package org.syshotplug.http.internal;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code bin/syshotplug-passwd}: prints a configuration line for {@code .users} (a salted
 * PBKDF2-HMAC-SHA256 hash of a password read from the terminal, or from standard input when there
 * is none) or, with {@code --token}, a new random bearer token and its line for {@code .tokens}.
 * Runs on a plain JVM from the bundle jar: no OSGi needed.
 */
public final class PasswordTool {

    private PasswordTool() {
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(args));
    }

    static int run(String[] args) throws IOException {
        boolean token = args.length == 3 && args[0].equals("--token");
        String[] rest = token ? Arrays.copyOfRange(args, 1, 3) : args;
        if (rest.length != 2 || rest[0].startsWith("-")) {
            System.err.println("usage: syshotplug-passwd <user> <viewer|operator>          (reads the password)");
            System.err.println("       syshotplug-passwd --token <name> <viewer|operator>  (makes a bearer token)");
            System.err.println("Prints a line to add to .users (or .tokens) in etc/org.syshotplug.http.cfg.");
            return 2;
        }
        Role role;
        try {
            role = Role.parse(rest[1]);
        } catch (IllegalArgumentException e) {
            System.err.println("syshotplug-passwd: " + e.getMessage());
            return 2;
        }
        try {
            if (token) {
                String[] t = Credentials.newToken(rest[0], role);
                System.err.println("token (give it to the client; it is not stored anywhere): " + t[0]);
                System.out.println(t[1]);
                return 0;
            }
            char[] password = readPassword();
            if (password == null || password.length == 0) {
                System.err.println("syshotplug-passwd: empty password");
                return 1;
            }
            System.out.println(Credentials.userLine(rest[0], role, password, Credentials.DEFAULT_ITERATIONS));
            Arrays.fill(password, '\0');
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("syshotplug-passwd: " + e.getMessage());
            return 2;
        }
    }

    private static char[] readPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("password: ");
            char[] again = console.readPassword("again: ");
            if (first == null || !Arrays.equals(first, again)) {
                System.err.println("syshotplug-passwd: the two passwords differ");
                return null;
            }
            return first;
        }
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        return line == null ? null : line.toCharArray();
    }
}
