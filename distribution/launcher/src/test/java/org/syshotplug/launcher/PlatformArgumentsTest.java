package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad profile or platform mode, on the command line or in etc/, is one line and status 2, before Felix starts. */
class PlatformArgumentsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LauncherRun.run(out, err, args);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownProfileIsOneLineNamingTheKnownProfiles(@TempDir Path home) {
        int status = run("--home", home.toString(), "--profile", "power", "-c", "hotplug:devices cpu");

        assertEquals(Main.EXIT_USAGE, status);
        assertEquals("syshotplug: unknown profile 'power': known profiles are x86-acpi, x86-acpi-numa, x86-acpi-qemu, pseries, pseries-qemu\n",
                errText());
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyShippedProfileIsAccepted() {
        for (String profile : Main.PROFILES) {
            assertEquals(profile, Main.parse(new String[] {"--profile", profile}).profile());
        }
    }

    @Test
    void unknownProfileInThePlatformFileIsRefusedTheSameWay(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve(Main.PLATFORM_CFG), "# comment\nmode = simulated\nprofile = power\n");

        int status = run("--home", home.toString(), "-c", "lb");

        assertEquals(Main.EXIT_USAGE, status);
        assertEquals("syshotplug: etc/org.syshotplug.platform.cfg: unknown profile 'power': known profiles are "
                + "x86-acpi, x86-acpi-numa, x86-acpi-qemu, pseries, pseries-qemu\n", errText());
    }

    @Test
    void unknownModeInThePlatformFileIsRefused(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve(Main.PLATFORM_CFG), "mode = real\n");

        assertEquals(Main.EXIT_USAGE, run("--home", home.toString(), "-c", "lb"));
        assertEquals("syshotplug: etc/org.syshotplug.platform.cfg: unknown mode 'real': expected simulated, linux or agent\n",
                errText());
    }

    @Test
    void impossibleSizesInThePlatformFileAreOneLine(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve(Main.PLATFORM_CFG), "mode = simulated\ncpus = 0\n");

        assertEquals(Main.EXIT_USAGE, run("--home", home.toString(), "-c", "lb"));
        assertEquals("syshotplug: etc/org.syshotplug.platform.cfg: cpus '0' is not a number from 1 to 1024\n", errText());

        Files.writeString(home.resolve(Main.PLATFORM_CFG), "blockSizeBytes = 100\n");
        err.reset();
        assertEquals(Main.EXIT_USAGE, run("--home", home.toString(), "-c", "lb"));
        assertEquals("syshotplug: etc/org.syshotplug.platform.cfg: blockSizeBytes '100' is not a power of two\n", errText());
    }

    @Test
    void theShippedPlatformFileIsAccepted() throws Exception {
        Path shipped = Path.of("..", "src", "main", "dist", "etc", "org.syshotplug.platform.cfg");
        Properties cfg = new Properties();
        try (java.io.Reader r = Files.newBufferedReader(shipped)) {
            cfg.load(r);
        }
        assertEquals("simulated", cfg.getProperty("mode").strip());
        Path home = Files.createTempDirectory("syshotplug-home");
        try {
            Files.createDirectories(home.resolve("etc"));
            Files.copy(shipped, home.resolve(Main.PLATFORM_CFG));
            Main.checkPlatformFile(Main.parse(new String[] {"--home", home.toString()}));
        } finally {
            Files.delete(home.resolve(Main.PLATFORM_CFG));
            Files.delete(home.resolve("etc"));
            Files.delete(home);
        }
    }

    @Test
    void theCommandLineOverridesABadFileValue(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve(Main.PLATFORM_CFG), "mode = simulated\nprofile = power\n");

        Main.checkPlatformFile(Main.parse(new String[] {"--home", home.toString(), "--profile", "pseries"}));
        Main.checkPlatformFile(Main.parse(new String[] {"--home", home.toString(), "--platform", "linux"}));
    }
}
