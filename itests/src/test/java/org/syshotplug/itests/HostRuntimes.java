package org.syshotplug.itests;

import java.nio.file.Path;
import java.util.List;

import org.syshotplug.launcher.Config;

/**
 * Launcher configurations for tests that start the runtime from a host JVM (no Pax Exam): the
 * runtime bundles Maven copied into target/bundles and the SysHotplug modules' target/classes, at
 * the distribution's start levels.
 */
final class HostRuntimes {

    static final List<String> RUNTIME = List.of(
            "org.apache.aries.spifly.dynamic.framework.extension", "org.osgi.util.function", "org.osgi.util.promise",
            "org.osgi.service.component", "org.osgi.service.log", "slf4j-api", "slf4j-simple",
            "org.apache.felix.configadmin", "org.apache.felix.eventadmin", "org.apache.felix.metatype",
            "org.apache.felix.scr", "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command",
            "jackson-annotations", "jackson-core", "jackson-databind");

    private HostRuntimes() {
    }

    /** Every bundle of the product, the data folder given; shared or isolated API as the caller sets. */
    static Config.Builder product(Path data) {
        Config.Builder b = Config.builder().dataDir(data).startTimeout(java.time.Duration.ofSeconds(60));
        RUNTIME.forEach(name -> b.bundle(RuntimeOptions.RUNTIME_BUNDLES.resolve(name + ".jar").toUri().toString(),
                Config.LEVEL_RUNTIME));
        b.bundle(RuntimeOptions.reactorLocation("framework-api"), Config.LEVEL_API);
        RuntimeOptions.MODULES.forEach(module -> b.bundle(RuntimeOptions.reactorLocation(module), Config.LEVEL_BUNDLES));
        return b;
    }
}
