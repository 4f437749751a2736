package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The short variant of {@code tools/kill-test.sh} (the full one runs 100 times): five SIGKILLs of the
 * distribution inside multi-device requests on the simulated x86 machine, and two on the pseries one
 * (DLPAR add and remove of DRCs), each followed by a restart that must leave every request fully
 * applied or fully rolled back, with one final outcome each. Runs only where the distribution has
 * been built (it is built after this module in the reactor).
 */
class KillTestShortRunTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");
    private static final Path HARNESS = RuntimeOptions.ROOT.resolve("tools/kill-test.sh");

    @Test
    void fiveKilledRunsLeaveEveryRequestFullyAppliedOrFullyRolledBack() throws Exception {
        List<String> lines = harness("x86", 5);

        String summary = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(summary.startsWith("kill test: 5/5 runs consistent"), String.join("\n", lines));
    }

    /**
     * A kill inside the DLPAR add's execute leaves DRCs acquired: recovery must release every one of
     * them (the whole state file, DRC states included, equals the one before the add). A remove killed
     * inside its commit is rolled forward by recovery and must end SUCCEEDED with every DRC released.
     */
    @Test
    void twoKilledDlparRunsReleaseEveryAcquiredDrc() throws Exception {
        List<String> lines = harness("pseries", 2);

        String summary = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        assertTrue(summary.startsWith("kill test: 2/2 runs consistent"), String.join("\n", lines));
    }

    private static List<String> harness(String mode, int runs) throws Exception {
        assumeTrue(Files.isExecutable(DISTRIBUTION.resolve("bin/syshotplug")),
                "skipped: the distribution is not built at " + DISTRIBUTION
                        + " (mvn -B -o -pl distribution -am package -DskipTests)");
        assumeTrue(onPath("python3"), "skipped: python3 is not on the PATH");
        long seed = Long.getLong("syshotplug.killtest.seed", System.nanoTime() % 1_000_000);

        Process harness = new ProcessBuilder("sh", HARNESS.toString(), "--mode", mode, "--runs", Integer.toString(runs),
                "--seed", Long.toString(seed), "--dist", DISTRIBUTION.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(harness.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("KILLTEST " + mode + ": " + line);
                lines.add(line);
            }
        }
        assertTrue(harness.waitFor(5, TimeUnit.MINUTES), "the harness ended");
        // 0: every run consistent; 1: one was inconsistent; 2: set-up or calibration failed.
        assertEquals(0, harness.exitValue(), String.join("\n", lines));
        return lines;
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
