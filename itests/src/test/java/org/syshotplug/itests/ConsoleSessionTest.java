package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The interactive console as a person uses it: the assembled {@code bin/syshotplug} on a
 * pseudo-terminal (util-linux {@code script} provides it), driven key by key. Tab completes a
 * command name, its options and device ids; Up recalls the last line; {@code --help} prints the
 * help generated from the descriptors; the history lands in the data folder. Each step waits for
 * the screen to show what it expects, never for a fixed time.
 */
class ConsoleSessionTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");
    private static final String PROMPT = "hotplug> ";
    /** Colour and cursor escapes JLine draws with; the assertions look at the text only. */
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[@A-Za-z]|\u001b[=>]|\r");

    @TempDir
    Path data;

    @BeforeAll
    static void needsADistributionAndAPty() {
        assumeTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/syshotplug")),
                "skipped: the distribution is not built at " + DISTRIBUTION + " (mvn -B -pl distribution -am package -DskipTests)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || Files.isExecutable(Path.of("/bin/script")),
                "skipped: no pseudo-terminal tool (util-linux script) on this machine");
    }

    @Test
    void tabCompletesUpRecallsAndHelpExitsZero() throws Exception {
        // script gives the console a real terminal; stty sets the size a pipe-fed script cannot know.
        String console = "stty cols 120 rows 40; exec " + DISTRIBUTION.resolve("bin/syshotplug") + " --data " + data;
        Process p = new ProcessBuilder("script", "-qfec", console, "/dev/null").redirectErrorStream(true).start();
        Screen screen = new Screen(p.getInputStream());
        OutputStream keys = p.getOutputStream();
        try {
            screen.await(PROMPT, 120);

            type(keys, "hotplug:of\t");
            screen.await("hotplug:offline ", 30);

            type(keys, "--dr\t");
            screen.await("--dry-run ", 30);

            type(keys, "\u0015hotplug:devices cpu\r");
            screen.await("cpu:3", 30);
            screen.await(PROMPT, 30);

            type(keys, "\u001bOA");
            screen.await("hotplug:devices cpu", 30);

            type(keys, "\u0015hotplug:offline --help\r");
            screen.await("Arguments:", 30);
            String help = screen.since("hotplug:offline --help");
            assertTrue(help.contains("hotplug:offline - take devices offline"), help);
            assertTrue(help.contains("--dry-run"), help);

            type(keys, "\u0004");
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the console did not end on Ctrl-D:\n" + screen.text());
            List<String> history = Files.readAllLines(data.resolve("console.history"));
            assertTrue(history.stream().anyMatch(l -> l.endsWith(":hotplug:devices cpu")), history.toString());
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(0, p.exitValue(), screen.text());
    }

    @Test
    void helpOptionExitsZeroFromTheCommandLine() throws Exception {
        Process p = new ProcessBuilder(DISTRIBUTION.resolve("bin/syshotplug").toString(), "--data", data.toString(), "-q",
                "-c", "hotplug:offline --help").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("hotplug:offline - take devices offline"), out);
    }

    private static void type(OutputStream keys, String text) throws IOException {
        keys.write(text.getBytes(StandardCharsets.UTF_8));
        keys.flush();
    }

    /** Everything the terminal showed, escapes stripped, and a way to wait for a piece of it. */
    private static final class Screen {
        private final StringBuilder raw = new StringBuilder();
        private int mark;

        Screen(InputStream in) {
            Thread reader = new Thread(() -> {
                byte[] b = new byte[4096];
                try {
                    for (int n; (n = in.read(b)) > 0; ) {
                        synchronized (this) {
                            raw.append(new String(b, 0, n, StandardCharsets.UTF_8));
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the console ended
                }
            }, "console-screen");
            reader.setDaemon(true);
            reader.start();
        }

        synchronized String text() {
            return ESCAPES.matcher(raw).replaceAll("");
        }

        /** Waits until {@code expected} shows after the last thing awaited. */
        synchronized void await(String expected, long seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                String text = text();
                int at = text.indexOf(expected, mark);
                if (at >= 0) {
                    mark = at + expected.length();
                    return;
                }
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the console did not show '" + expected + "' within " + seconds
                            + " s; it showed:\n" + text.substring(Math.max(0, text.length() - 3000)));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

        synchronized String since(String marker) {
            String text = text();
            int at = text.lastIndexOf(marker);
            return at < 0 ? text : text.substring(at);
        }
    }
}
