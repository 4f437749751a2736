package org.syshotplug.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** bin/syshotplug-passwd: a line that verifies the password it was given; usage errors exit 2. */
class PasswordToolTest {

    @Test
    void aPasswordFromStandardInputBecomesAUserLineThatVerifies() throws Exception {
        String[] out = run("hunter2-but-longer\n", "alice", "operator");
        assertEquals("0", out[0], out[2]);
        String line = out[1].trim();
        assertTrue(line.startsWith("alice:operator:pbkdf2-sha256:"), line);
        assertTrue(Credentials.parse(new String[] {line}, new String[0]).basic("alice", "hunter2-but-longer").isPresent());
    }

    @Test
    void aTokenIsPrintedOnceAndOnlyItsDigestGoesIntoTheLine() throws Exception {
        String[] out = run("", "--token", "ci", "viewer");
        assertEquals("0", out[0], out[2]);
        String token = out[2].substring(out[2].lastIndexOf(' ') + 1).trim();
        assertTrue(!out[1].contains(token));
        assertTrue(Credentials.parse(new String[0], new String[] {out[1].trim()}).bearer(token).isPresent());
    }

    @Test
    void badUsageExitsTwoWithAMessage() throws Exception {
        assertEquals("2", run("", "alice")[0]);
        String[] role = run("pw\n", "alice", "root");
        assertEquals("2", role[0]);
        assertTrue(role[2].contains("expected viewer or operator"), role[2]);
        assertEquals("1", run("\n", "alice", "viewer")[0]);
    }

    private static String[] run(String stdin, String... args) throws Exception {
        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = PasswordTool.run(args);
            return new String[] {Integer.toString(status), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setIn(in);
            System.setOut(out);
            System.setErr(err);
        }
    }
}
