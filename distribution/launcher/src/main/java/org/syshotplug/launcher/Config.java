package org.syshotplug.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * What {@link SysHotplugRuntime#start(Config)} boots: which bundles at which start level, where the
 * framework keeps its cache, which folders FileInstall watches, and the configurations to write
 * through ConfigAdmin before the SysHotplug bundles start.
 *
 * <p>{@link Builder#home(Path)} takes a distribution folder ({@code bundle/<level>/*.jar},
 * {@code etc/}, {@code deploy/}, {@code data/}); tests and hosts may list bundles one by one instead.
 */
public final class Config {

    /** The platform bundle's configuration PID and the keys {@code --platform}/{@code --profile}/{@code --agent-socket} set. */
    public static final String PLATFORM_PID = "org.syshotplug.platform";
    public static final String PLATFORM_MODE = "mode";
    public static final String PLATFORM_PROFILE = "profile";
    public static final String PLATFORM_AGENT_SOCKET = "agentSocket";

    /** Start levels: the OSGi runtime, the API, the SysHotplug bundles, the interactive console. */
    public static final int LEVEL_RUNTIME = 1;
    public static final int LEVEL_API = 2;
    public static final int LEVEL_BUNDLES = 3;
    public static final int LEVEL_SHELL = 4;

    /** A bundle location (a {@code file:} or {@code reference:file:} URL) and its start level. */
    public record RuntimeBundle(String location, int startLevel) {
        public RuntimeBundle {
            Objects.requireNonNull(location, "location");
            if (startLevel < 1) {
                throw new IllegalArgumentException("start level of " + location + " must be at least 1, not " + startLevel);
            }
        }
    }

    private final List<RuntimeBundle> bundles;
    private final Path etcDir;
    private final Path deployDir;
    private final Path dataDir;
    private final boolean sharedApi;
    private final boolean shell;
    private final Duration startTimeout;
    private final Map<String, String> frameworkProperties;
    private final Map<String, Map<String, Object>> configurations;

    private Config(Builder b) {
        if (b.bundles.isEmpty()) {
            throw new IllegalArgumentException("no bundles to start: give a distribution home with bundle/<level>/*.jar or add bundles");
        }
        if (b.dataDir == null) {
            throw new IllegalArgumentException("no data folder: give a home or dataDir(...) for the framework cache and the journal");
        }
        this.bundles = List.copyOf(b.bundles);
        this.etcDir = b.etcDir;
        this.deployDir = b.deployDir;
        this.dataDir = b.dataDir;
        this.sharedApi = b.sharedApi;
        this.shell = b.shell;
        this.startTimeout = b.startTimeout;
        this.frameworkProperties = Map.copyOf(b.frameworkProperties);
        Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
        b.configurations.forEach((pid, props) -> copy.put(pid, Map.copyOf(props)));
        this.configurations = Map.copyOf(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<RuntimeBundle> bundles() {
        return bundles;
    }

    /** The folder FileInstall reads {@code .cfg} files from, or null for none. */
    public Path etcDir() {
        return etcDir;
    }

    /** The folder whose jars FileInstall installs (configured by {@code etc/org.apache.felix.fileinstall-deploy.cfg}). */
    public Path deployDir() {
        return deployDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * True when the host shares the API packages with the framework (embedding): the host's
     * {@code org.syshotplug.api/spi/platform} and {@code org.osgi.util.promise/function} are exported
     * by the system bundle and their bundles are not installed, so {@link SysHotplugRuntime#hotplugService()}
     * hands back an object the host can call.
     */
    public boolean sharedApi() {
        return sharedApi;
    }

    /** True to raise the framework to {@link #LEVEL_SHELL}, which starts the interactive Gogo console. */
    public boolean shell() {
        return shell;
    }

    public Duration startTimeout() {
        return startTimeout;
    }

    public Map<String, String> frameworkProperties() {
        return frameworkProperties;
    }

    /** Configurations merged over what {@code etc/} says, written before the SysHotplug bundles start. */
    public Map<String, Map<String, Object>> configurations() {
        return configurations;
    }

    public static final class Builder {
        private final List<RuntimeBundle> bundles = new ArrayList<>();
        private Path etcDir;
        private Path deployDir;
        private Path dataDir;
        private boolean sharedApi = true;
        private boolean shell;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final Map<String, String> frameworkProperties = new LinkedHashMap<>();
        private final Map<String, Map<String, Object>> configurations = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * A distribution folder: {@code bundle/<level>/*.jar} installed at that start level in name
         * order, {@code etc/} and {@code deploy/} watched by FileInstall, {@code data/} for the cache.
         */
        public Builder home(Path home) throws IOException {
            Path absolute = home.toAbsolutePath().normalize();
            bundlesFrom(absolute.resolve("bundle"));
            etcDir(absolute.resolve("etc"));
            deployDir(absolute.resolve("deploy"));
            if (dataDir == null) {
                dataDir(absolute.resolve("data"));
            }
            return this;
        }

        /** Adds every {@code <level>/*.jar} under {@code bundleDir}. */
        public Builder bundlesFrom(Path bundleDir) throws IOException {
            if (!Files.isDirectory(bundleDir)) {
                throw new IOException("bundle folder " + bundleDir + " does not exist: is this a SysHotplug distribution folder?");
            }
            try (Stream<Path> levels = Files.list(bundleDir)) {
                for (Path level : levels.filter(p -> p.getFileName().toString().matches("[1-9][0-9]?"))
                        .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString()))).toList()) {
                    int startLevel = Integer.parseInt(level.getFileName().toString());
                    try (Stream<Path> jars = Files.list(level)) {
                        for (Path jar : jars.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                            bundle(jar.toUri().toString(), startLevel);
                        }
                    }
                }
            }
            return this;
        }

        public Builder bundle(String location, int startLevel) {
            bundles.add(new RuntimeBundle(location, startLevel));
            return this;
        }

        public Builder etcDir(Path dir) {
            this.etcDir = dir == null ? null : dir.toAbsolutePath().normalize();
            return this;
        }

        public Builder deployDir(Path dir) {
            this.deployDir = dir == null ? null : dir.toAbsolutePath().normalize();
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir.toAbsolutePath().normalize();
            return this;
        }

        public Builder sharedApi(boolean shared) {
            this.sharedApi = shared;
            return this;
        }

        public Builder shell(boolean shell) {
            this.shell = shell;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public Builder frameworkProperty(String key, String value) {
            frameworkProperties.put(key, value);
            return this;
        }

        /** Sets properties of a configuration PID; merged over the values from {@code etc/}. */
        public Builder configuration(String pid, Map<String, ?> properties) {
            configurations.computeIfAbsent(pid, k -> new LinkedHashMap<>()).putAll(properties);
            return this;
        }

        /** {@code linux} (the host's kernel), {@code simulated} or {@code agent} (a QEMU guest's kernel, see {@link #agentSocket}). */
        public Builder platform(String mode) {
            return configuration(PLATFORM_PID, Map.of(PLATFORM_MODE, mode));
        }

        /** The simulated machine: {@code x86-acpi} or {@code pseries}. */
        public Builder profile(String profile) {
            return configuration(PLATFORM_PID, Map.of(PLATFORM_PROFILE, profile));
        }

        /** Agent mode: the unix socket of the guest's agent (tools/x86-acpi-guest: {@code WORKDIR/agent.sock}). */
        public Builder agentSocket(Path socket) {
            return configuration(PLATFORM_PID, Map.of(PLATFORM_AGENT_SOCKET, socket.toAbsolutePath().normalize().toString()));
        }

        public Config build() {
            return new Config(this);
        }
    }
}
