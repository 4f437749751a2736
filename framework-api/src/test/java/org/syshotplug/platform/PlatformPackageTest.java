package org.syshotplug.platform;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The exported platform package is kernel-file access only: the simulator's controls are not API. */
class PlatformPackageTest {

    @Test
    void machineControlIsNotPartOfTheApi() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.syshotplug.platform.MachineControl"));
    }

    @Test
    void theRemovalIsAMajorVersionOfTheExportedPackage() throws Exception {
        Path manifest = Path.of("target", "classes", "META-INF", "MANIFEST.MF");
        Assumptions.assumeTrue(Files.exists(manifest), "no bnd manifest in " + manifest.toAbsolutePath());
        try (InputStream in = Files.newInputStream(manifest)) {
            String exports = new Manifest(in).getMainAttributes().getValue("Export-Package");

            assertTrue(exports.contains("org.syshotplug.platform;version=\"2.0.0\""), exports);
            assertTrue(!exports.contains("org.syshotplug.platform.sim"), exports);
        }
    }
}
