package org.syshotplug.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * {@code bin/syshotplug}: starts the runtime from a distribution folder, then opens the Gogo console
 * or runs the given commands and exits with their status.
 */
public final class Main {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NOT_STARTED = 3;

    static final String USAGE = """
            Usage: syshotplug [options]                 the Gogo shell, or -c/-f commands
                   syshotplug run [options]             the service, in the foreground (systemd)
                   syshotplug status [--wait SECONDS]   is a service running on this data folder?
                   syshotplug stop                      stop it and wait until it has exited
              Starts SysHotplug (Apache Felix with the SysHotplug bundles) and opens the Gogo shell,
              or runs commands and exits. When a runtime already runs on the same data folder,
              -c and -f send the commands to it through DATA/control.sock instead of starting one
              (with socat installed: without starting a JVM at all).

              -c, --command CMD    run one shell command and exit; repeat to run several in order
                                   (stops at the first failure), e.g. -c "hotplug:devices cpu"
              -f, --file SCRIPT    run the commands of a file, one per line ('#' starts a comment)
                  --platform MODE  simulated (default), linux: drive this host's real kernel, or agent:
                                   drive a QEMU guest's kernel through its agent (--agent-socket)
                  --agent-socket PATH
                                   agent mode: the guest agent's unix socket (tools/x86-acpi-guest/run.sh
                                   WORKDIR leaves WORKDIR/agent.sock); it must answer, one runtime per guest
                  --profile NAME   the simulated machine: x86-acpi (default), x86-acpi-numa (two NUMA
                                   nodes, node 1 an ejectable ACPI container), x86-acpi-qemu (the
                                   QEMU q35 guest the x86 differential test uses, with hotplug:qemu),
                                   pseries (an LPAR) or pseries-qemu (the POWER differential's guest)
                  --home DIR       the distribution folder (default: the folder above bin/)
                  --data DIR       journal and framework cache (default: HOME/data); use a second one
                                   to run a command while another runtime holds HOME/data
              -q, --quiet          no banner
              -v, --verbose        log at INFO (default WARN)
              -h, --help           this text

                  --wait SECONDS   status: wait up to this long for the service to answer
            Exit status: 0 success; 1 a command failed (unknown command, bad argument, a request that
            did not succeed); 2 bad usage; 3 the runtime did not start (status: not running).
            Configuration: HOME/etc/*.cfg (watched while running); jars dropped into HOME/deploy are
            installed and started, and uninstalled when deleted.
            """;

    /** Held so the level set on it is not lost to garbage collection. */
    private static final java.util.logging.Logger QUIET_JUL = java.util.logging.Logger.getLogger("org.apache.aries.spifly");

    static final String AGENT = "agent";
    private static final Set<String> MODES = Set.of("simulated", "linux", AGENT);
    private static final String EXPECTED_MODES = "expected simulated, linux or agent";
    private static final String AGENT_SOCKET_HINT = "the guest agent's unix socket, e.g. WORKDIR/agent.sock of "
            + "tools/x86-acpi-guest/run.sh WORKDIR";

    /**
     * The platform bundle's simulated profiles (its {@code SimProfiles.KNOWN}; the launcher cannot see
     * bundle classes). Checked here so a typo is one line before Felix starts, not a runtime without a machine.
     */
    static final List<String> PROFILES = List.of("x86-acpi", "x86-acpi-numa", "x86-acpi-qemu", "pseries", "pseries-qemu");

    /** The platform configuration file under HOME, whose mode and profile are checked like the options. */
    static final String PLATFORM_CFG = "etc/org.syshotplug.platform.cfg";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Parsed command line. */
    record Options(String verb, List<String> commands, Path script, String platform, String profile, Path agentSocket,
            Path home, Path data, boolean quiet, boolean verbose, boolean help, int waitSeconds) {

        boolean interactive() {
            return verb == null && commands.isEmpty() && script == null;
        }
    }

    static final String RUN = "run";
    static final String STATUS = "status";
    static final String STOP = "stop";
    private static final Set<String> VERBS = Set.of(RUN, STATUS, STOP);

    static Options parse(String[] args) {
        List<String> commands = new ArrayList<>();
        Path script = null;
        String platform = null;
        String profile = null;
        Path agentSocket = null;
        Path home = null;
        Path data = null;
        boolean quiet = false;
        boolean verbose = false;
        boolean help = false;
        String verb = null;
        int waitSeconds = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-c", "--command" -> commands.add(value(args, ++i, a));
                case "-f", "--file" -> script = Path.of(value(args, ++i, a));
                case "--platform" -> {
                    platform = value(args, ++i, a);
                    if (!MODES.contains(platform)) {
                        throw new IllegalArgumentException("unknown platform '" + platform + "': " + EXPECTED_MODES);
                    }
                }
                case "--profile" -> {
                    profile = value(args, ++i, a);
                    if (!PROFILES.contains(profile)) {
                        throw new IllegalArgumentException(unknownProfile(profile));
                    }
                }
                case "--agent-socket" -> agentSocket = socketPath(value(args, ++i, a));
                case "--home" -> home = Path.of(value(args, ++i, a));
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "-q", "--quiet" -> quiet = true;
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> help = true;
                case "--wait" -> waitSeconds = seconds(value(args, ++i, a));
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + a + "' (see --help)");
                    }
                    if (!VERBS.contains(a)) {
                        throw new IllegalArgumentException("unknown verb '" + a + "': expected run, status or stop (see --help)");
                    }
                    if (verb != null) {
                        throw new IllegalArgumentException("give one verb, not '" + verb + "' and '" + a + "'");
                    }
                    verb = a;
                }
            }
        }
        if (!commands.isEmpty() && script != null) {
            throw new IllegalArgumentException("give commands with -c or a script with -f, not both");
        }
        if (verb != null && (!commands.isEmpty() || script != null)) {
            throw new IllegalArgumentException("'" + verb + "' takes no -c/-f commands: send them with syshotplug -c while it runs");
        }
        if (waitSeconds > 0 && !STATUS.equals(verb)) {
            throw new IllegalArgumentException("--wait goes with status");
        }
        if ((STATUS.equals(verb) || STOP.equals(verb)) && (platform != null || profile != null || agentSocket != null)) {
            throw new IllegalArgumentException("'" + verb + "' asks the running service; --platform/--profile/--agent-socket "
                    + "apply to a runtime being started");
        }
        if (agentSocket != null && platform != null && !AGENT.equals(platform)) {
            throw new IllegalArgumentException("--agent-socket goes with --platform agent, not --platform " + platform);
        }
        return new Options(verb, List.copyOf(commands), script, platform, profile, agentSocket, home, data, quiet, verbose,
                help, waitSeconds);
    }

    /** Absolute, so the banner, the lock and the platform all name the same socket whatever the bundle's folder. */
    private static Path socketPath(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("--agent-socket needs a path: " + AGENT_SOCKET_HINT);
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("invalid --agent-socket '" + text + "': " + e.getReason());
        }
    }

    private static int seconds(String text) {
        try {
            int s = Integer.parseInt(text);
            if (s >= 0 && s <= 86_400) {
                return s;
            }
        } catch (NumberFormatException e) {
            // the message below names it
        }
        throw new IllegalArgumentException("invalid --wait '" + text + "': expected seconds, 0 to 86400");
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException("option " + option + " needs a value (see --help)");
        }
        return args[i];
    }

    /** Runs the command line; returns the exit status. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        Options options;
        List<String> commands;
        try {
            options = parse(args);
            if (options.help()) {
                out.print(USAGE);
                return EXIT_OK;
            }
            commands = options.script() != null ? readScript(options.script()) : options.commands();
            checkPlatformFile(options);
        } catch (IllegalArgumentException | IOException e) {
            err.println("syshotplug: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (STATUS.equals(options.verb()) || STOP.equals(options.verb())
                || (!options.interactive() && options.verb() == null && options.platform() == null && options.profile() == null
                        && options.agentSocket() == null)) {
            Path data;
            try {
                data = dataDir(options);
            } catch (IllegalArgumentException e) {
                err.println("syshotplug: " + e.getMessage());
                return EXIT_NOT_STARTED;
            }
            try {
                ServiceControl control = new ServiceControl(data, out, err);
                if (STATUS.equals(options.verb())) {
                    return control.status(options.waitSeconds());
                }
                if (STOP.equals(options.verb())) {
                    return control.stop();
                }
                // A runtime already on this folder runs the commands; else this process starts one.
                var reply = new ControlClient(data).exec(commands, out, err);
                if (reply.isPresent()) {
                    return reply.get().status();
                }
            } catch (IOException e) {
                err.println("syshotplug: the service on " + data + " failed to answer: " + e.getMessage());
                return EXIT_FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_FAILED;
            }
        }
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", options.verbose() ? "info" : "warn");
        }
        configureLogback(options);
        if (!options.verbose()) {
            // SPI Fly reports every provider it wires at INFO through java.util.logging.
            QUIET_JUL.setLevel(java.util.logging.Level.WARNING);
        }
        Config config;
        try {
            config = config(options);
        } catch (IOException | IllegalArgumentException e) {
            err.println("syshotplug: " + e.getMessage());
            return EXIT_NOT_STARTED;
        }
        SysHotplugRuntime runtime;
        try {
            runtime = SysHotplugRuntime.start(config);
        } catch (LaunchException e) {
            err.println("syshotplug: " + e.getMessage());
            return EXIT_NOT_STARTED;
        }
        Thread stopOnSignal = new Thread(runtime::close, "syshotplug-shutdown");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            if (!options.quiet()) {
                PrintStream bannerOut = options.interactive() ? out : err;
                bannerOut.println(banner(runtime));
            }
            runtime.frameworkErrors().forEach(e -> err.println("warning: " + e));
            if (options.interactive() || RUN.equals(options.verb())) {
                // The service ends on SIGTERM (the shutdown hook), `syshotplug stop`, or the console's exit.
                runtime.awaitStop();
                return EXIT_OK;
            }
            try (GogoSession session = runtime.openSession(in, out, err)) {
                return new CommandRunner(session, out, err).run(commands);
            }
        } catch (LaunchException e) {
            err.println("syshotplug: " + e.getMessage());
            return EXIT_NOT_STARTED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_FAILED;
        } finally {
            runtime.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
    }

    /** The data folder a command line means: --data, else HOME/data. */
    static Path dataDir(Options options) {
        Path home = options.home() != null ? options.home() : defaultHome();
        Path data = options.data() != null ? options.data() : home.resolve("data");
        return data.toAbsolutePath().normalize();
    }

    /**
     * Points the distribution's Logback at HOME/etc/logback.xml (its file appender at HOME/log) and
     * sets the console threshold, unless the caller set them; Logback reads them when the first
     * bundle logs. Without its file Logback would log everything at DEBUG to the console.
     */
    static void configureLogback(Options options) {
        String home = options.home() != null ? options.home().toString() : System.getProperty("syshotplug.home");
        if (home != null && System.getProperty("logback.configurationFile") == null
                && Files.isRegularFile(Path.of(home, "etc", "logback.xml"))) {
            System.setProperty("logback.configurationFile", Path.of(home, "etc", "logback.xml").toString());
        }
        if (home != null && System.getProperty("syshotplug.log.dir") == null) {
            System.setProperty("syshotplug.log.dir", Path.of(home, "log").toString());
        }
        if (System.getProperty("syshotplug.console.level") == null) {
            System.setProperty("syshotplug.console.level", options.verbose() ? "INFO" : "WARN");
        }
    }

    private static String unknownProfile(String profile) {
        return "unknown profile '" + profile + "': known profiles are " + String.join(", ", PROFILES);
    }

    /**
     * Refuses a mode or profile in HOME/etc/org.syshotplug.platform.cfg that the platform bundle would
     * refuse, unless the command line overrides it, and agent mode without a socket from either; a
     * missing home or file counts as the defaults.
     */
    static void checkPlatformFile(Options options) throws IOException {
        String home = options.home() != null ? options.home().toString() : System.getProperty("syshotplug.home");
        Path file = home == null ? null : Path.of(home).resolve(PLATFORM_CFG);
        Properties cfg = new Properties();
        if (file != null && Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                cfg.load(r);
            }
        }
        String mode = cfg.getProperty("mode", "simulated").strip();
        if (options.platform() == null && !MODES.contains(mode)) {
            throw new IllegalArgumentException(PLATFORM_CFG + ": unknown mode '" + mode + "': " + EXPECTED_MODES);
        }
        String effective = options.platform() != null ? options.platform() : mode;
        if (AGENT.equals(effective)) {
            if (options.agentSocket() == null && cfg.getProperty(Config.PLATFORM_AGENT_SOCKET, "").isBlank()) {
                throw new IllegalArgumentException(options.platform() != null
                        ? "--platform agent needs --agent-socket PATH: " + AGENT_SOCKET_HINT
                        : PLATFORM_CFG + ": mode agent needs " + Config.PLATFORM_AGENT_SOCKET + ": " + AGENT_SOCKET_HINT);
            }
        } else if (options.agentSocket() != null) {
            // parse() refused --agent-socket with any other --platform, so the mode here is the file's.
            throw new IllegalArgumentException("--agent-socket goes with --platform agent; the platform is " + effective
                    + " (" + PLATFORM_CFG + ")");
        }
        String profile = cfg.getProperty("profile", "x86-acpi").strip();
        boolean simulated = effective.equals("simulated");
        if (options.profile() == null && simulated && !PROFILES.contains(profile)) {
            throw new IllegalArgumentException(PLATFORM_CFG + ": " + unknownProfile(profile));
        }
        if (simulated) {
            checkSizes(cfg);
        }
    }

    /**
     * The simulated machine's sizes, by the platform bundle's rules (its SimConfig), so a typo is one
     * line now instead of a runtime that waits for a machine the bundle refused to build.
     */
    private static void checkSizes(Properties cfg) {
        int cpus = number(cfg, "cpus", 4, 1, 1024);
        int possible = number(cfg, "possibleCpus", 0, 0, 1024);
        int blocks = number(cfg, "memoryBlocks", 16, 1, 8192);
        number(cfg, "nodes", 1, 1, Math.min(cpus, blocks));
        if (possible != 0 && possible < cpus) {
            throw new IllegalArgumentException(PLATFORM_CFG + ": possibleCpus " + possible + " is below cpus " + cpus
                    + " (0 means the same as cpus)");
        }
        String size = cfg.getProperty("blockSizeBytes", "134217728").strip();
        long bytes;
        try {
            bytes = Long.parseLong(size);
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes <= 0 || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException(PLATFORM_CFG + ": blockSizeBytes '" + size + "' is not a power of two");
        }
    }

    private static int number(Properties cfg, String key, int fallback, int min, int max) {
        String v = cfg.getProperty(key, Integer.toString(fallback)).strip();
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below, with the range
        }
        throw new IllegalArgumentException(PLATFORM_CFG + ": " + key + " '" + v + "' is not a number from " + min + " to " + max);
    }

    static Config config(Options options) throws IOException {
        Path home = options.home() != null ? options.home() : defaultHome();
        Config.Builder b = Config.builder();
        if (options.data() != null) {
            b.dataDir(options.data());
        }
        b.home(home).sharedApi(false).shell(options.interactive())
                .startTimeout(Duration.ofSeconds(Long.getLong("syshotplug.start.timeout", 60)))
                // Felix prints its errors on stdout; they come out as warnings on stderr instead.
                .frameworkProperty("felix.log.level", options.verbose() ? "1" : "0");
        Files.createDirectories(home.resolve("deploy"));
        if (options.platform() != null) {
            b.platform(options.platform());
        }
        if (options.profile() != null) {
            b.profile(options.profile());
        }
        if (options.agentSocket() != null) {
            b.agentSocket(options.agentSocket());
        }
        return b.build();
    }

    private static Path defaultHome() {
        String home = System.getProperty("syshotplug.home");
        if (home == null) {
            throw new IllegalArgumentException("no distribution folder: give --home DIR or start through bin/syshotplug");
        }
        return Path.of(home);
    }

    static List<String> readScript(Path script) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException("script " + script + " does not exist");
        }
        List<String> commands = new ArrayList<>();
        for (String line : Files.readAllLines(script)) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                commands.add(trimmed);
            }
        }
        return commands;
    }

    private static String banner(SysHotplugRuntime runtime) {
        Duration ready = ProcessHandle.current().info().startInstant()
                .map(started -> Duration.between(started, Instant.now())).orElse(Duration.ZERO);
        long bundles = runtime.bundleContext().getBundles().length;
        return "SysHotplug on " + runtime.platformDescription() + " (" + bundles + " bundles, ready in "
                + ready.toMillis() + " ms)";
    }
}
