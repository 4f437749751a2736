package org.syshotplug.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.AllServiceListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.function.Function;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.HotplugService;
import org.syshotplug.platform.SystemFiles;

/**
 * A running SysHotplug: Felix embedded through {@link FrameworkFactory}, the configured bundles
 * installed and started level by level, and {@code HotplugService} registered.
 *
 * <pre>
 * try (SysHotplugRuntime runtime = SysHotplugRuntime.start(Config.builder().home(home).build())) {
 *     HotplugResult r = runtime.hotplugService().submit(HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(2))).getValue();
 * }
 * </pre>
 */
public final class SysHotplugRuntime implements AutoCloseable {

    /**
     * The property of the service (a no-op {@link Runnable}) the launcher registers once the runtime
     * has started: {@code syshotplug.runtime=ready}.
     */
    public static final String READY_PROPERTY = "syshotplug.runtime";

    static final String HOTPLUG_SERVICE = "org.syshotplug.api.HotplugService";
    static final String SYSTEM_FILES = "org.syshotplug.platform.SystemFiles";
    static final String PLATFORM_BUNDLE = "org.syshotplug.platform";
    static final String CONFIGURATION_ADMIN = "org.osgi.service.cm.ConfigurationAdmin";

    /** Bundles whose packages the system bundle exports instead, when the API is shared with the host. */
    private static final Set<String> HOST_PROVIDED = Set.of("org.syshotplug.api", "org.osgi.util.promise", "org.osgi.util.function");
    /** Classes that locate the jars whose Export-Package the system bundle re-exports in shared mode. */
    private static final List<Class<?>> SHARED_API = List.of(HotplugService.class, SystemFiles.class, Promise.class, Function.class);
    private static final String INSTALLED_LIST = "launcher.bundles";

    private final Config config;
    private final Framework framework;
    private final List<String> frameworkErrors;
    /** The data folder's claim and, in linux or agent mode, the kernel's; released after the framework stops. */
    private final List<OwnershipLock> locks;

    private SysHotplugRuntime(Config config, Framework framework, List<String> frameworkErrors, List<OwnershipLock> locks) {
        this.config = config;
        this.framework = framework;
        this.frameworkErrors = frameworkErrors;
        this.locks = locks;
    }

    /**
     * Boots the framework and returns once {@code HotplugService} is registered.
     *
     * @throws LaunchException naming the bundles that did not start when the service does not appear
     *                         within {@link Config#startTimeout()}, or the process that holds the data
     *                         folder (or, in linux mode, the kernel)
     */
    public static SysHotplugRuntime start(Config config) throws LaunchException {
        List<OwnershipLock> locks = claim(config);
        Framework framework;
        try {
            framework = newFramework(config);
        } catch (LaunchException | RuntimeException e) {
            locks.forEach(OwnershipLock::close);
            throw e;
        }
        List<String> errors = new CopyOnWriteArrayList<>();
        SysHotplugRuntime runtime = new SysHotplugRuntime(config, framework, errors, locks);
        try {
            trace("framework created");
            framework.init();
            trace("framework initialised");
            BundleContext context = framework.getBundleContext();
            context.addFrameworkListener(event -> {
                if (event.getType() == FrameworkEvent.ERROR) {
                    Throwable t = event.getThrowable();
                    errors.add(event.getBundle().getSymbolicName() + ": " + (t == null ? "error" : rootMessage(t)));
                }
            });
            runtime.installBundles();
            trace("bundles installed");
            CountDownLatch started = new CountDownLatch(1);
            context.addFrameworkListener(event -> {
                if (event.getType() == FrameworkEvent.STARTED) {
                    started.countDown();
                }
            });
            framework.start();
            // Felix reaches the beginning start level on its own thread; levels are raised after that.
            if (!started.await(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LaunchException("the framework did not reach start level " + Config.LEVEL_RUNTIME + " within "
                        + config.startTimeout().toSeconds() + " s" + runtime.problems());
            }
            trace("start level " + Config.LEVEL_RUNTIME);
            runtime.writeConfigurations();
            runtime.raiseStartLevel(Config.LEVEL_BUNDLES);
            trace("start level " + Config.LEVEL_BUNDLES);
            runtime.awaitService(HOTPLUG_SERVICE);
            trace("HotplugService registered");
            if (runtime.hasBundle(PLATFORM_BUNDLE)) {
                // The platform picks its implementation from the configuration after it starts, so
                // SystemFiles (and the inventories that need it) may come a moment after level 3.
                runtime.awaitService(SYSTEM_FILES);
                trace("SystemFiles registered");
            }
            if (config.shell()) {
                runtime.raiseStartLevel(Config.LEVEL_SHELL);
            }
            // Tells front doors that every bundle of the runtime has started (its commands are
            // registered): the control socket opens only then. A JDK type, visible to every bundle.
            framework.getBundleContext().registerService(Runnable.class, () -> { },
                    new java.util.Hashtable<>(java.util.Map.of(READY_PROPERTY, "ready")));
            return runtime;
        } catch (LaunchException e) {
            runtime.close();
            throw e;
        } catch (BundleException | IOException | RuntimeException e) {
            runtime.close();
            throw new LaunchException("could not start the OSGi framework: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runtime.close();
            throw new LaunchException("interrupted while starting", e);
        }
    }

    /**
     * The hot-plug service, callable by the host. Needs {@link Config#sharedApi()}: otherwise the
     * service implements the framework's copy of the interface, not the host's.
     */
    public HotplugService hotplugService() {
        if (!config.sharedApi()) {
            throw new IllegalStateException("hotplugService() needs Config.builder().sharedApi(true): without it the "
                    + "framework has its own copy of org.syshotplug.api");
        }
        BundleContext context = framework.getBundleContext();
        ServiceReference<HotplugService> ref = context.getServiceReference(HotplugService.class);
        if (ref == null) {
            throw new IllegalStateException("HotplugService is not registered (has the sequencer bundle been stopped?)");
        }
        return context.getService(ref);
    }

    public BundleContext bundleContext() {
        return framework.getBundleContext();
    }

    public Framework framework() {
        return framework;
    }

    /** The platform's one-line description ({@code SystemFiles.describe()}), or a note that it is missing. */
    public String platformDescription() {
        Object systemFiles = anyService(SYSTEM_FILES);
        if (systemFiles == null) {
            return "no platform (SystemFiles is not registered)";
        }
        try {
            return String.valueOf(systemFiles.getClass().getMethod("describe").invoke(systemFiles));
        } catch (ReflectiveOperationException e) {
            return "platform description unavailable: " + rootMessage(e);
        }
    }

    /** Framework errors seen so far (a bundle that failed to resolve or start), one line each. */
    public List<String> frameworkErrors() {
        return List.copyOf(frameworkErrors);
    }

    /** A Gogo session on the framework's command processor, for running commands from the host. */
    public GogoSession openSession(InputStream in, PrintStream out, PrintStream err) throws LaunchException {
        try {
            awaitService(GogoSession.COMMAND_PROCESSOR);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while waiting for the Gogo command processor", e);
        }
        return GogoSession.open(bundleContext(), anyReference(GogoSession.COMMAND_PROCESSOR), in, out, err);
    }

    /** Blocks until the framework stops (the console's {@code exit}, a {@code stop 0}, or {@link #close()}). */
    public void awaitStop() throws InterruptedException {
        framework.waitForStop(0);
    }

    /** Stops the framework and waits for it; the journal and cache stay in the data folder. */
    @Override
    public void close() {
        try {
            framework.stop();
            framework.waitForStop(TimeUnit.SECONDS.toMillis(30));
        } catch (BundleException e) {
            throw new IllegalStateException("could not stop the framework: " + rootMessage(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Only once nothing in the framework can write the journal or the kernel any more.
            if (framework.getState() == Bundle.RESOLVED || framework.getState() == Bundle.INSTALLED
                    || framework.getState() == Bundle.UNINSTALLED) {
                locks.forEach(OwnershipLock::close);
            }
        }
    }

    /**
     * Takes the data folder and, when this runtime will drive a real kernel (this host's, or a guest's
     * through its agent, which must answer), that kernel: before the framework exists, so nothing
     * reads the journal of a folder another process holds.
     */
    static List<OwnershipLock> claim(Config config) throws LaunchException {
        List<OwnershipLock> held = new ArrayList<>();
        held.add(OwnershipLock.data(config.dataDir()));
        try {
            Map<String, String> platform = platformSettings(config);
            String mode = platform.getOrDefault(Config.PLATFORM_MODE, "simulated");
            if ("linux".equals(mode)) {
                held.add(OwnershipLock.kernel(Path.of(platform.getOrDefault("root", "/")), config.dataDir()));
            } else if ("agent".equals(mode)) {
                String socket = platform.getOrDefault(Config.PLATFORM_AGENT_SOCKET, "").strip();
                if (socket.isEmpty()) {
                    throw new LaunchException("agent mode needs " + Config.PLATFORM_AGENT_SOCKET
                            + ", the guest agent's unix socket (--agent-socket PATH)");
                }
                held.add(OwnershipLock.agent(Path.of(socket), config.dataDir()));
                // After the lock: a second runtime is told who holds the guest, not that the socket is busy.
                AgentProbe.release(Path.of(socket), AgentProbe.timeout());
            }
        } catch (LaunchException | RuntimeException e) {
            held.forEach(OwnershipLock::close);
            throw e;
        }
        return held;
    }

    /**
     * The platform configuration this start will give the platform bundle: {@code etc/}'s
     * {@code org.syshotplug.platform.cfg} (FileInstall's properties format) under the launcher's
     * overrides ({@code --platform}, {@code --profile}, {@code --agent-socket}).
     */
    static Map<String, String> platformSettings(Config config) throws LaunchException {
        Map<String, String> settings = new java.util.HashMap<>();
        if (config.etcDir() != null) {
            Path cfg = config.etcDir().resolve(Config.PLATFORM_PID + ".cfg");
            if (Files.isRegularFile(cfg)) {
                java.util.Properties p = new java.util.Properties();
                try (InputStream in = Files.newInputStream(cfg)) {
                    p.load(in);
                } catch (IOException e) {
                    throw new LaunchException("cannot read " + cfg + ": " + rootMessage(e), e);
                }
                p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).strip()));
            }
        }
        Map<String, Object> overrides = config.configurations().get(Config.PLATFORM_PID);
        if (overrides != null) {
            overrides.forEach((k, v) -> settings.put(k, String.valueOf(v)));
        }
        return settings;
    }

    /** {@code -Dsyshotplug.startup.trace=true}: where start-up time goes, on stderr. */
    private static void trace(String step) {
        if (Boolean.getBoolean("syshotplug.startup.trace")) {
            long uptime = ProcessHandle.current().info().startInstant()
                    .map(t -> java.time.Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L);
            System.err.println("[startup " + uptime + " ms] " + step);
        }
    }

    private static Framework newFramework(Config config) throws LaunchException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, SysHotplugRuntime.class.getClassLoader())
                .findFirst().orElseThrow(() -> new LaunchException(
                        "no OSGi framework on the class path: lib/ must hold org.apache.felix.framework"));
        return factory.newFramework(frameworkProperties(config));
    }

    static Map<String, String> frameworkProperties(Config config) throws LaunchException {
        Map<String, String> p = new java.util.HashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, config.dataDir().resolve("cache").toString());
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(Config.LEVEL_RUNTIME));
        // Bundles installed later (shell `install`, deploy/) join the SysHotplug level.
        p.put("felix.startlevel.bundle", Integer.toString(Config.LEVEL_BUNDLES));
        p.put("felix.log.level", "1");
        // EventAdmin warns on stderr each time the framework stops with its delivery thread waiting.
        p.put("org.apache.felix.eventadmin.LogLevel", "1");
        // Classes must come through the wiring, not from whatever the launcher's class path holds.
        p.put("felix.bootdelegation.implicit", "false");
        p.put("syshotplug.data", config.dataDir().toString());
        // Felix HTTP Jetty listens on 8080 as soon as it starts unless told to wait for its configuration,
        // which only the HTTP API bundle writes (from org.syshotplug.http): no TCP port until configured.
        p.put("org.apache.felix.http.require.config", "true");
        if (config.etcDir() != null) {
            p.put("felix.fileinstall.dir", config.etcDir().toString());
            p.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
            p.put("felix.fileinstall.poll", "1000");
            // The first scan runs inside FileInstall's start, so etc/ is in ConfigAdmin before level 3 starts.
            p.put("felix.fileinstall.noInitialDelay", "true");
            // Command-line overrides (--platform, --profile) are for this run, never written back to etc/.
            p.put("felix.fileinstall.enableConfigSave", "false");
            p.put("felix.fileinstall.log.level", "2");
            p.put("felix.fileinstall.start.level", Integer.toString(Config.LEVEL_BUNDLES));
            p.put("syshotplug.etc", config.etcDir().toString());
            // The JLine console reads <gosh.home>/etc/gosh_profile: completion, history file, help.
            if (config.etcDir().getParent() != null) {
                p.put("gosh.home", config.etcDir().getParent().toString());
            }
        }
        if (config.deployDir() != null) {
            p.put("syshotplug.deploy", config.deployDir().toString());
        }
        // The console must not stop the framework behind a host's back; Main stops it itself.
        p.put("gosh.args", config.shell() ? "" : "--nointeractive --noshutdown");
        if (config.sharedApi()) {
            p.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, sharedExports());
        }
        p.putAll(config.frameworkProperties());
        return p;
    }

    /** The Export-Package clauses of the host's API jars, exported as they are by the system bundle. */
    static String sharedExports() throws LaunchException {
        Set<String> clauses = new LinkedHashSet<>();
        for (Class<?> type : SHARED_API) {
            Manifest manifest = manifestOf(type);
            String exports = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.EXPORT_PACKAGE);
            if (exports == null) {
                throw new LaunchException("the host's copy of " + type.getName() + " comes from a jar without Export-Package: "
                        + "put the framework-api, org.osgi.util.promise and org.osgi.util.function bundles on the class path");
            }
            clauses.add(exports);
        }
        return String.join(",", clauses);
    }

    private static Manifest manifestOf(Class<?> type) {
        try {
            Path source = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isDirectory(source)) {
                Path mf = source.resolve("META-INF/MANIFEST.MF");
                if (!Files.isRegularFile(mf)) {
                    return null;
                }
                try (InputStream in = Files.newInputStream(mf)) {
                    return new Manifest(in);
                }
            }
            try (JarFile jar = new JarFile(source.toFile())) {
                return jar.getManifest();
            }
        } catch (Exception e) {
            return null;
        }
    }

    /**
     * Installs the configured bundles (updating those whose file changed since the cached copy and
     * uninstalling those this launcher installed last time that are gone), each at its start level,
     * marked to start when the framework reaches that level.
     */
    private void installBundles() throws BundleException, IOException {
        BundleContext context = framework.getBundleContext();
        Path installedList = config.dataDir().resolve(INSTALLED_LIST);
        Set<String> wanted = new LinkedHashSet<>();
        for (Config.RuntimeBundle rb : config.bundles()) {
            if (config.sharedApi() && HOST_PROVIDED.contains(symbolicName(rb.location()))) {
                continue;
            }
            wanted.add(rb.location());
        }
        if (Files.isRegularFile(installedList)) {
            for (String old : Files.readAllLines(installedList)) {
                Bundle gone = context.getBundle(old);
                if (gone != null && !wanted.contains(old)) {
                    gone.uninstall();
                }
            }
        }
        for (Config.RuntimeBundle rb : config.bundles()) {
            if (!wanted.contains(rb.location())) {
                continue;
            }
            Bundle bundle = context.getBundle(rb.location());
            if (bundle == null) {
                bundle = context.installBundle(rb.location());
            } else if (lastModified(rb.location()) > bundle.getLastModified()) {
                bundle.update();
            }
            // Each change is written to the cache; a restart with nothing new writes nothing.
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            if (startLevel.getStartLevel() != rb.startLevel()) {
                startLevel.setStartLevel(rb.startLevel());
            }
            if (!startLevel.isPersistentlyStarted() && bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                bundle.start();
            }
        }
        Files.createDirectories(config.dataDir());
        Files.write(installedList, wanted);
    }

    private void raiseStartLevel(int level) throws InterruptedException, LaunchException {
        CountDownLatch reached = new CountDownLatch(1);
        FrameworkStartLevel startLevel = framework.adapt(FrameworkStartLevel.class);
        if (startLevel.getStartLevel() >= level) {
            return;
        }
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                reached.countDown();
            }
        };
        startLevel.setStartLevel(level, listener);
        if (!reached.await(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS) || startLevel.getStartLevel() < level) {
            throw new LaunchException("start level " + level + " was not reached within " + config.startTimeout().toSeconds()
                    + " s" + problems());
        }
    }

    /** Writes {@link Config#configurations()} over what FileInstall read from etc/. */
    private void writeConfigurations() throws InterruptedException, LaunchException {
        if (config.configurations().isEmpty()) {
            return;
        }
        awaitService(CONFIGURATION_ADMIN);
        ServiceReference<?> ref = anyReference(CONFIGURATION_ADMIN);
        Object admin = framework.getBundleContext().getService(ref);
        try {
            Class<?> adminType = ref.getBundle().loadClass(CONFIGURATION_ADMIN);
            Method getConfiguration = adminType.getMethod("getConfiguration", String.class, String.class);
            for (Map.Entry<String, Map<String, Object>> e : config.configurations().entrySet()) {
                Object configuration = getConfiguration.invoke(admin, e.getKey(), "?");
                Class<?> configurationType = ref.getBundle().loadClass("org.osgi.service.cm.Configuration");
                @SuppressWarnings("unchecked")
                Dictionary<String, Object> current = (Dictionary<String, Object>) configurationType.getMethod("getProperties").invoke(configuration);
                Hashtable<String, Object> merged = new Hashtable<>();
                if (current != null) {
                    for (var keys = current.keys(); keys.hasMoreElements();) {
                        String key = keys.nextElement();
                        merged.put(key, current.get(key));
                    }
                }
                merged.putAll(e.getValue());
                configurationType.getMethod("updateIfDifferent", Dictionary.class).invoke(configuration, merged);
            }
        } catch (InvocationTargetException e) {
            throw new LaunchException("could not write the configuration: " + rootMessage(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new LaunchException("ConfigurationAdmin does not look like OSGi Configuration Admin 1.6: " + e, e);
        } finally {
            framework.getBundleContext().ungetService(ref);
        }
    }

    /** Waits for a service by interface name: a listener and a latch, no polling. */
    void awaitService(String objectClass) throws InterruptedException, LaunchException {
        BundleContext context = framework.getBundleContext();
        CountDownLatch registered = new CountDownLatch(1);
        // All* variants: the launcher's class path may hold its own copy of the API (lib/ does), and
        // the plain variants would hide a service whose interface comes from another class loader.
        AllServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                registered.countDown();
            }
        };
        try {
            context.addServiceListener(listener, "(" + Constants.OBJECTCLASS + "=" + objectClass + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad service name " + objectClass, e);
        }
        try {
            if (anyReference(objectClass) != null) {
                return;
            }
            if (!registered.await(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LaunchException(objectClass + " did not appear within " + config.startTimeout().toSeconds() + " s"
                        + problems());
            }
        } finally {
            context.removeServiceListener(listener);
        }
    }

    private Object anyService(String objectClass) {
        ServiceReference<?> ref = anyReference(objectClass);
        return ref == null ? null : framework.getBundleContext().getService(ref);
    }

    /** The best reference by ranking, whatever class loader its interface comes from. */
    ServiceReference<?> anyReference(String objectClass) {
        try {
            ServiceReference<?>[] refs = framework.getBundleContext().getAllServiceReferences(objectClass, null);
            if (refs == null) {
                return null;
            }
            Arrays.sort(refs);
            return refs[refs.length - 1];
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private boolean hasBundle(String symbolicName) {
        return Arrays.stream(framework.getBundleContext().getBundles()).anyMatch(b -> symbolicName.equals(b.getSymbolicName()));
    }

    /** What is not running and why, for a start-up error message. */
    private String problems() {
        List<String> lines = new ArrayList<>();
        int active = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        for (Bundle b : framework.getBundleContext().getBundles()) {
            if (b.adapt(BundleStartLevel.class).getStartLevel() > active) {
                continue;
            }
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (b.getState() != Bundle.ACTIVE && !(fragment && b.getState() == Bundle.RESOLVED)) {
                lines.add("  not active: " + b.getSymbolicName() + " (" + stateName(b.getState()) + ") from " + b.getLocation());
            }
        }
        frameworkErrors.forEach(e -> lines.add("  error: " + e));
        return lines.isEmpty() ? "" : ":\n" + String.join("\n", lines);
    }

    private static String stateName(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED: unresolved";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    /** The Bundle-SymbolicName of a bundle location (a file: or reference:file: URL to a jar or a folder). */
    static String symbolicName(String location) {
        Path path = pathOf(location);
        if (path == null) {
            return null;
        }
        try {
            Manifest manifest;
            if (Files.isDirectory(path)) {
                try (InputStream in = Files.newInputStream(path.resolve("META-INF/MANIFEST.MF"))) {
                    manifest = new Manifest(in);
                }
            } else {
                try (JarFile jar = new JarFile(path.toFile())) {
                    manifest = jar.getManifest();
                }
            }
            String bsn = manifest == null ? null : manifest.getMainAttributes().getValue(new Attributes.Name(Constants.BUNDLE_SYMBOLICNAME));
            return bsn == null ? null : bsn.split(";")[0].trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + location, e);
        }
    }

    private static long lastModified(String location) throws IOException {
        Path path = pathOf(location);
        if (path == null || !Files.exists(path)) {
            return 0;
        }
        if (!Files.isDirectory(path)) {
            return Files.getLastModifiedTime(path).toMillis();
        }
        try (var files = Files.walk(path)) {
            return files.mapToLong(p -> p.toFile().lastModified()).max().orElse(0);
        }
    }

    private static Path pathOf(String location) {
        String url = location.startsWith("reference:") ? location.substring("reference:".length()) : location;
        return url.startsWith("file:") ? Path.of(URI.create(url)) : null;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
