package org.syshotplug.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void bundlesComeInStartLevelOrderThenByName(@TempDir Path home) throws Exception {
        for (String jar : List.of("bundle/3/b.jar", "bundle/3/a.jar", "bundle/1/z.jar", "bundle/10/late.jar", "bundle/2/api.jar")) {
            Files.createDirectories(home.resolve(jar).getParent());
            Files.writeString(home.resolve(jar), "");
        }
        Files.writeString(home.resolve("bundle/3/notes.txt"), "not a bundle");

        Config config = Config.builder().home(home).build();

        assertEquals(List.of("1:z.jar", "2:api.jar", "3:a.jar", "3:b.jar", "10:late.jar"), config.bundles().stream()
                .map(b -> b.startLevel() + ":" + Path.of(java.net.URI.create(b.location())).getFileName()).toList());
        assertEquals(home.resolve("data"), config.dataDir());
        assertEquals(home.resolve("etc"), config.etcDir());
    }

    @Test
    void platformAndProfileMergeIntoThePlatformPid() {
        Config config = Config.builder().dataDir(Path.of("data")).bundle("file:/x.jar", 1)
                .platform("linux").profile("pseries").build();

        assertEquals(Map.of("mode", "linux", "profile", "pseries"), config.configurations().get(Config.PLATFORM_PID));
    }

    @Test
    void configWithoutBundlesIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Config.builder().dataDir(Path.of("data")).build());

        assertEquals(true, e.getMessage().contains("no bundles"));
    }

    @Test
    void isolatedModeTurnsOffImplicitBootDelegationAndExportsNothingExtra() throws Exception {
        Config config = Config.builder().dataDir(Path.of("data")).bundle("file:/x.jar", 1).sharedApi(false).build();

        Map<String, String> p = SysHotplugRuntime.frameworkProperties(config);

        assertEquals("false", p.get("felix.bootdelegation.implicit"));
        assertEquals(null, p.get("org.osgi.framework.system.packages.extra"));
    }

    @Test
    void sharedModeExportsTheHostsApiPackages() throws Exception {
        Config config = Config.builder().dataDir(Path.of("data")).bundle("file:/x.jar", 1).sharedApi(true).build();

        String extra = SysHotplugRuntime.frameworkProperties(config).get("org.osgi.framework.system.packages.extra");

        for (String pkg : List.of("org.syshotplug.api", "org.syshotplug.spi", "org.syshotplug.platform",
                "org.osgi.util.promise", "org.osgi.util.function")) {
            assertEquals(true, extra.contains(pkg + ";"), pkg + " in " + extra);
        }
    }
}
