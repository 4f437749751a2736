package org.syshotplug.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.nio.file.Path;
import java.util.List;

import org.ops4j.pax.exam.Option;

/**
 * The Pax Exam configuration shared by the tests: Felix with the same OSGi runtime bundles as the
 * distribution's bundle/1, and the SysHotplug bundles straight from the reactor's target/classes.
 */
public final class RuntimeOptions {

    /** Where the reactor root is (surefire passes it), so bundles come from the modules just built. */
    static final Path ROOT = Path.of(System.getProperty("syshotplug.itest.root", "..")).toAbsolutePath().normalize();
    static final Path RUNTIME_BUNDLES = Path.of(System.getProperty("syshotplug.itest.bundles", "target/bundles")).toAbsolutePath();
    static final Path WORK = Path.of(System.getProperty("syshotplug.itest.work", "target/itest-work")).toAbsolutePath();

    /** Where the bundles' SLF4J lines go (INFO and up), so the build's output holds none of them. */
    static final Path SLF4J_LOG = WORK.resolve("slf4j.log");

    public static final String CPU_BUNDLE = "org.syshotplug.cpu";

    private RuntimeOptions() {
    }

    /** Felix with SCR, ConfigAdmin, EventAdmin, Metatype, Gogo, SLF4J 2 + SPI Fly, and the framework API. */
    public static Option runtime() {
        return composite(
                // No class may reach a bundle from the test class path except through the wiring.
                frameworkProperty("felix.bootdelegation.implicit").value("false"),
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(
                        System.getProperty("org.ops4j.pax.url.mvn.localRepository",
                                System.getProperty("user.home") + "/.m2/repository")),
                systemProperty("org.slf4j.simpleLogger.defaultLogLevel").value("info"),
                systemProperty("org.slf4j.simpleLogger.logFile").value(slf4jLog()),
                systemProperty("syshotplug.itest.work").value(WORK.toString()),
                systemProperty("syshotplug.itest.root").value(ROOT.toString()),
                runtimeBundle("org.apache.aries.spifly.dynamic.framework.extension").noStart(),
                runtimeBundle("org.osgi.util.function"),
                runtimeBundle("org.osgi.util.promise"),
                runtimeBundle("org.osgi.service.component"),
                runtimeBundle("org.osgi.service.log"),
                runtimeBundle("slf4j-api"),
                runtimeBundle("slf4j-simple"),
                runtimeBundle("org.apache.felix.configadmin"),
                runtimeBundle("org.apache.felix.eventadmin"),
                runtimeBundle("org.apache.felix.metatype"),
                runtimeBundle("org.apache.felix.scr"),
                runtimeBundle("org.apache.felix.gogo.runtime"),
                runtimeBundle("org.apache.felix.gogo.command"),
                runtimeBundle("jackson-annotations"),
                runtimeBundle("jackson-core"),
                runtimeBundle("jackson-databind"),
                reactorBundle("framework-api"),
                junitBundles(),
                cleanCaches(true));
    }

    private static String slf4jLog() {
        try {
            java.nio.file.Files.createDirectories(WORK);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return SLF4J_LOG.toString();
    }

    /** The product's bundle modules (start level 3 in the distribution): a new bundle is one more name here. */
    public static final List<String> MODULES = List.of(
            "platform-bundle", "sequencer-bundle", "cpu-bundle", "memory-bundle", "acpi-bundle", "rtas-bundle");

    /** Every SysHotplug bundle of the product, on the simulated machine (the platform's default). */
    public static Option syshotplugBundles() {
        return composite(MODULES.stream().map(RuntimeOptions::reactorBundle).toArray(Option[]::new));
    }

    /** A module of this reactor as an exploded bundle: its target/classes hold the bnd manifest. */
    public static org.ops4j.pax.exam.options.UrlProvisionOption reactorBundle(String module) {
        return bundle(reactorLocation(module));
    }

    /** The location to install a reactor module from (also for reinstalling it inside a test). */
    public static String reactorLocation(String module) {
        return "reference:" + ROOT.resolve(module).resolve("target/classes").toUri();
    }

    private static org.ops4j.pax.exam.options.UrlProvisionOption runtimeBundle(String name) {
        return bundle(RUNTIME_BUNDLES.resolve(name + ".jar").toUri().toString());
    }

    /**
     * A copy of the assembled distribution at {@code home}, without its data folder and deployed
     * jars, so a test runs it as a fresh installation of its own.
     */
    static Path copyDistribution(Path distribution, Path home) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(distribution)) {
            for (Path from : files.toList()) {
                Path relative = distribution.relativize(from);
                if (relative.startsWith("data") || relative.startsWith("deploy") && !relative.toString().equals("deploy")) {
                    continue;
                }
                Path to = home.resolve(relative.toString());
                if (java.nio.file.Files.isDirectory(from)) {
                    java.nio.file.Files.createDirectories(to);
                } else {
                    java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return home;
    }
}
