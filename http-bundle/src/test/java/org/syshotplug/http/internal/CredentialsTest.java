package org.syshotplug.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class CredentialsTest {

    private static final int FAST = Credentials.MIN_ITERATIONS;

    @Test
    void aUserLineHoldsASaltedHashAndVerifiesOnlyTheRightPassword() {
        String line = Credentials.userLine("alice", Role.OPERATOR, "s3cret".toCharArray(), FAST);
        assertFalse(line.contains("s3cret"), line);
        assertTrue(line.startsWith("alice:operator:pbkdf2-sha256:" + FAST + ":"), line);
        assertTrue(!line.equals(Credentials.userLine("alice", Role.OPERATOR, "s3cret".toCharArray(), FAST)), "salted");

        Credentials c = Credentials.parse(new String[] {line}, new String[0]);
        assertEquals(new Principal("alice", Role.OPERATOR), c.basic("alice", "s3cret").orElseThrow());
        assertEquals(new Principal("alice", Role.OPERATOR), c.basic("alice", "s3cret").orElseThrow(), "remembered");
        assertTrue(c.basic("alice", "S3cret").isEmpty());
        assertTrue(c.basic("alice", "").isEmpty());
        assertTrue(c.basic("bob", "s3cret").isEmpty());
    }

    @Test
    void tokensAreStoredAsDigestsAndSeveralLinesMayShareOneCfgValue() {
        String[] t = Credentials.newToken("ci", Role.VIEWER);
        assertFalse(t[1].contains(t[0]));
        String user = Credentials.userLine("victor", Role.VIEWER, "pw".toCharArray(), FAST);
        Credentials c = Credentials.parse(new String[] {user + ", " + Credentials.userLine("alice", Role.OPERATOR,
                "x".toCharArray(), FAST)}, new String[] {t[1]});
        assertEquals(Role.VIEWER, c.bearer(t[0]).orElseThrow().role());
        assertTrue(c.bearer(t[0] + "x").isEmpty());
        assertEquals(Role.OPERATOR, c.basic("alice", "x").orElseThrow().role());
    }

    @Test
    void plainPasswordsWeakHashesAndBadRolesAreRefusedNamingTheLine() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> Credentials.parse(new String[] {"alice:secret"}, new String[0]));
        assertTrue(plain.getMessage().startsWith(".users[0]: ") && plain.getMessage().contains("never a plain password"),
                plain.getMessage());
        String salt = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        String hash = Base64.getEncoder().encodeToString(new byte[32]);
        IllegalArgumentException weak = assertThrows(IllegalArgumentException.class, () -> Credentials.parse(
                new String[] {"alice:operator:pbkdf2-sha256:1000:" + salt + ":" + hash}, new String[0]));
        assertTrue(weak.getMessage().contains("too fast"), weak.getMessage());
        IllegalArgumentException role = assertThrows(IllegalArgumentException.class, () -> Credentials.parse(
                new String[] {"alice:root:pbkdf2-sha256:20000:" + salt + ":" + hash}, new String[0]));
        assertTrue(role.getMessage().contains("expected viewer or operator"), role.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Credentials.parse(new String[0], new String[] {"ci:operator:abc"}));
    }

    @Test
    void basicAndBearerHeadersAreParsedAndAnythingElseIsNobody() {
        Credentials c = Credentials.parse(new String[] {Credentials.userLine("alice", Role.OPERATOR, "p:w".toCharArray(), FAST)},
                new String[0]);
        String basic = "Basic " + Base64.getEncoder().encodeToString("alice:p:w".getBytes(StandardCharsets.UTF_8));
        assertEquals("alice", AuthFilter.authenticate(basic, c).orElseThrow().name());
        assertTrue(AuthFilter.authenticate(null, c).isEmpty());
        assertTrue(AuthFilter.authenticate("Basic !!!", c).isEmpty());
        assertTrue(AuthFilter.authenticate("Digest x", c).isEmpty());
        assertTrue(AuthFilter.authenticate("Basic", c).isEmpty());
    }

    @Test
    void viewersReadAndOperatorsChange() {
        assertTrue(Role.VIEWER.mayUse("GET"));
        assertFalse(Role.VIEWER.mayUse("POST"));
        assertFalse(Role.VIEWER.mayUse("PATCH"));
        assertFalse(Role.VIEWER.mayUse("DELETE"));
        assertTrue(Role.OPERATOR.mayUse("PATCH"));
    }
}
