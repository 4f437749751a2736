package org.syshotplug.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

/** One rule for who asked, and whatever it returns is a principal a request accepts. */
class PrincipalsTest {

    private static String accepted(String principal) {
        return HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1)).principal(principal).build()
                .principal();
    }

    @Test
    void theSocketsPeerWins() {
        assertEquals("uid:1000", Principals.of("uid:1000"));
        assertEquals("uid:0", Principals.of(" uid:0\n"));
    }

    @Test
    void withoutTheVariableItIsTheLocalUser() {
        String local = "shell:" + System.getProperty("user.name").replaceAll("[^A-Za-z0-9._@+-]", "_");
        assertEquals(local, Principals.local());
        assertEquals(local, Principals.of(null));
        assertEquals(local, Principals.of(""));
        assertEquals(local, Principals.of("  "));
    }

    @Test
    void aGarbledVariableIsMadeSafeNotRefused() {
        assertEquals("uid:1000_rm_-rf__", accepted(Principals.of("uid:1000;rm -rf /")));
        assertEquals("a_b", Principals.of("a\tb"));
        assertEquals(Principals.MAX_LENGTH, accepted(Principals.of("u".repeat(1000))).length());
        assertEquals("42", Principals.of(42), "a variable set to a number is its text");
    }

    @Test
    void theLocalUserIsMadeSafeToo() {
        String before = System.getProperty("user.name");
        try {
            System.setProperty("user.name", "o'brien:admin x");
            assertEquals("shell:o_brien_admin_x", accepted(Principals.local()));
            System.setProperty("user.name", "");
            assertEquals("shell:unknown", Principals.local());
            System.setProperty("user.name", "n".repeat(500));
            assertEquals(Principals.MAX_LENGTH, accepted(Principals.local()).length());
        } finally {
            System.setProperty("user.name", before);
        }
    }
}
