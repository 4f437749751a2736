package org.syshotplug.http.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Users with salted PBKDF2-HMAC-SHA256 password hashes and bearer tokens stored as SHA-256 digests:
 * nothing in the configuration can be replayed as a credential. Tokens are random 256-bit values, so
 * one fast digest is enough; passwords are chosen by people, so they get a slow salted hash.
 *
 * <p>A slow hash on every call would spend a core per few requests, so a verified password is
 * remembered for a few minutes as an HMAC under a key that lives only in this process's memory.
 */
final class Credentials {

    static final String PBKDF2 = "pbkdf2-sha256";
    static final String SHA256 = "sha256";
    static final int DEFAULT_ITERATIONS = 310_000;
    static final int MIN_ITERATIONS = 10_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@+-]{1,64}");
    private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;
    private static final int REMEMBER_MAX = 1024;

    private record User(String name, Role role, int iterations, byte[] salt, byte[] hash) {
    }

    private record Token(String name, Role role, byte[] digest) {
    }

    private final Map<String, User> users;
    private final Map<String, Token> tokens;
    private final byte[] rememberKey = new byte[32];
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();
    // Slow hashes of guessed passwords must not take every core: at most two run at once, the rest wait.
    private final java.util.concurrent.Semaphore hashing = new java.util.concurrent.Semaphore(2);

    private Credentials(Map<String, User> users, Map<String, Token> tokens) {
        this.users = users;
        this.tokens = tokens;
        new SecureRandom().nextBytes(rememberKey);
    }

    /** Parses the configured lines; the error names the line (by user name and position) and the rule it breaks. */
    static Credentials parse(String[] userValues, String[] tokenValues) {
        // A .cfg file holds one string per key: several lines there are separated by commas or spaces.
        String[] userLines = split(userValues);
        String[] tokenLines = split(tokenValues);
        Map<String, User> users = new LinkedHashMap<>();
        Map<String, Token> tokens = new LinkedHashMap<>();
        for (int i = 0; i < userLines.length; i++) {
            String[] f = userLines[i].trim().split(":", -1);
            String where = ".users[" + i + "]";
            if (f.length != 6 || !PBKDF2.equals(f[2])) {
                throw new IllegalArgumentException(where + ": expected <name>:<viewer|operator>:" + PBKDF2
                        + ":<iterations>:<salt>:<hash> as printed by bin/syshotplug-passwd (never a plain password)");
            }
            String name = name(f[0], where);
            Role role = Role.parse(f[1]);
            int iterations;
            try {
                iterations = Integer.parseInt(f[3]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": iterations '" + f[3] + "' is not a number");
            }
            if (iterations < MIN_ITERATIONS) {
                throw new IllegalArgumentException(where + ": " + iterations + " iterations is too fast to guess against; at least "
                        + MIN_ITERATIONS);
            }
            byte[] salt = base64(f[4], where + " salt");
            byte[] hash = base64(f[5], where + " hash");
            if (salt.length < 16 || hash.length != 32) {
                throw new IllegalArgumentException(where + ": expected a salt of at least 16 bytes and a 32-byte hash");
            }
            if (users.put(name, new User(name, role, iterations, salt, hash)) != null) {
                throw new IllegalArgumentException(where + ": user '" + name + "' is configured twice");
            }
        }
        for (int i = 0; i < tokenLines.length; i++) {
            String[] f = tokenLines[i].trim().split(":", -1);
            String where = ".tokens[" + i + "]";
            if (f.length != 4 || !SHA256.equals(f[2]) || !f[3].matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(where + ": expected <name>:<viewer|operator>:" + SHA256
                        + ":<64 hex digits> as printed by bin/syshotplug-passwd --token (never the token itself)");
            }
            String name = name(f[0], where);
            tokens.put(f[3], new Token(name, Role.parse(f[1]), HexFormat.of().parseHex(f[3])));
        }
        return new Credentials(Map.copyOf(users), Map.copyOf(tokens));
    }

    private static String[] split(String[] values) {
        return java.util.Arrays.stream(values).filter(java.util.Objects::nonNull)
                .flatMap(v -> java.util.Arrays.stream(v.trim().split("[,\\s]+"))).filter(v -> !v.isEmpty())
                .toArray(String[]::new);
    }

    boolean isEmpty() {
        return users.isEmpty() && tokens.isEmpty();
    }

    /** The caller of HTTP basic credentials, if the password matches. */
    Optional<Principal> basic(String name, String password) {
        if (password.isEmpty()) {
            return Optional.empty();
        }
        User user = users.get(name);
        if (user == null) {
            // Same work as for a known user, so response time does not tell which names exist.
            slowHash(password, new byte[16], DEFAULT_ITERATIONS);
            return Optional.empty();
        }
        String memo = memo(name, password, user);
        Long until = remembered.get(memo);
        long now = System.nanoTime();
        if (until != null && now - until < 0) {
            return Optional.of(new Principal(user.name, user.role));
        }
        if (!MessageDigest.isEqual(user.hash, slowHash(password, user.salt, user.iterations))) {
            return Optional.empty();
        }
        if (remembered.size() >= REMEMBER_MAX) {
            remembered.clear();
        }
        remembered.put(memo, now + REMEMBER_NANOS);
        return Optional.of(new Principal(user.name, user.role));
    }

    /** The caller of a bearer token. */
    Optional<Principal> bearer(String token) {
        byte[] digest = sha256(token.getBytes(StandardCharsets.UTF_8));
        Token t = tokens.get(HexFormat.of().formatHex(digest));
        return t != null && MessageDigest.isEqual(t.digest, digest) ? Optional.of(new Principal(t.name, t.role)) : Optional.empty();
    }

    /** A configuration line for a user, with a fresh random salt. */
    static String userLine(String name, Role role, char[] password, int iterations) {
        name(name, "user name");
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        byte[] hash = pbkdf2(new String(password), salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return name + ":" + role.word() + ":" + PBKDF2 + ":" + iterations + ":" + b64.encodeToString(salt) + ":"
                + b64.encodeToString(hash);
    }

    /** A new random bearer token (43 URL-safe characters) and its configuration line. */
    static String[] newToken(String name, Role role) {
        name(name, "token name");
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        return new String[] {token, tokenLine(name, role, token)};
    }

    static String tokenLine(String name, Role role, String token) {
        return name + ":" + role.word() + ":" + SHA256 + ":"
                + HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    private String memo(String name, String password, User user) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(rememberKey, "HmacSHA256"));
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(password.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(user.hash);
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private static String name(String name, String where) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(where + ": invalid name '" + name
                    + "': expected 1-64 letters, digits or . _ @ + -");
        }
        return name;
    }

    private static byte[] base64(String text, String what) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64");
        }
    }

    private byte[] slowHash(String password, byte[] salt, int iterations) {
        hashing.acquireUninterruptibly();
        try {
            return pbkdf2(password, salt, iterations);
        } finally {
            hashing.release();
        }
    }

    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            try {
                return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            } finally {
                spec.clearPassword();
            }
        } catch (NoSuchAlgorithmException | InvalidKeySpecException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
