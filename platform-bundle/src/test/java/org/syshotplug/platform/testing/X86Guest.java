package org.syshotplug.platform.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import org.opentest4j.TestAbortedException;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.internal.agent.AgentSystemFiles;
import org.syshotplug.platform.sim.QemuMonitor;

/**
 * A real x86-64 Linux 6.1 guest (Debian bookworm's kernel, QEMU 10 TCG, {@code -machine q35},
 * 1 of 4 CPUs, 1 GiB of 4 GiB with 4 DIMM slots) booted by tools/x86-acpi-guest/run.sh: its
 * kernel files through {@link #files()}, its firmware side through {@link QemuMonitor} (QMP).
 * <p>
 * {@link #boot} aborts the calling test with one line ({@link TestAbortedException}, a JUnit skip)
 * when the tool cannot run here: no QEMU, no gcc, no access to Debian's archive. Always close it
 * (try-with-resources): it ends QEMU.
 * <p>
 * A module whose tests boot the guest needs jackson-databind in test scope (QMP is JSON).
 */
public final class X86Guest implements QemuMonitor, AutoCloseable {

    /** From starting QEMU to the agent's HELLO; a boot takes about 10 s under TCG. */
    public static final Duration BOOT_TIMEOUT = Duration.ofSeconds(60);
    /** The first run downloads the kernel, busybox and QEMU 10 (about 100 MB). */
    public static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(20);
    private static final Duration QMP_TIMEOUT = Duration.ofSeconds(30);
    /** The socket paths must fit sun_path (108 bytes). */
    private static final int MAX_RUN_DIR = 80;

    private final Process qemu;
    private final Path runDir;
    private final Thread reaper;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<String> ostReports = new ArrayList<>();
    private final List<JsonNode> events = new ArrayList<>();
    private boolean qmpClosed;
    private Qmp qmp;
    private AgentSystemFiles agent;
    private Duration bootTime;
    private List<String> bootLog = List.of();
    private boolean closed;

    private X86Guest(Process qemu, Path runDir) {
        this.qemu = qemu;
        this.runDir = runDir;
        this.reaper = new Thread(qemu::destroyForcibly, "x86-guest-reaper");
    }

    /**
     * Prepares the tool's cache (downloads on the first run), starts QEMU and waits until the
     * guest's agent serves.
     *
     * @param workDir where the logs (and, when its path is short enough, the sockets) go
     * @param memhpDefaultState the kernel's {@code memhp_default_state}: {@code offline},
     *        {@code online}, {@code online_kernel} or {@code online_movable}
     * @throws TestAbortedException when the tool says it cannot run here (exit 77)
     */
    public static X86Guest boot(Path workDir, String memhpDefaultState) throws IOException, InterruptedException {
        Path script = tool();
        Path work = Files.createDirectories(workDir).toAbsolutePath();
        run(List.of("bash", script.toString(), "--prepare"), work.resolve("prepare.log"), PREPARE_TIMEOUT);

        Path runDir = work.toString().length() <= MAX_RUN_DIR ? work : Files.createTempDirectory("x86-guest-");
        Files.deleteIfExists(runDir.resolve("agent.sock"));
        Files.deleteIfExists(runDir.resolve("qmp.sock"));
        Files.deleteIfExists(runDir.resolve("console.log"));
        Path qemuLog = work.resolve("qemu.log");
        long start = System.nanoTime();
        Process p = new ProcessBuilder("bash", script.toString(), runDir.toString(), memhpDefaultState)
                .redirectErrorStream(true).redirectOutput(qemuLog.toFile()).start();
        X86Guest guest = new X86Guest(p, runDir);
        Runtime.getRuntime().addShutdownHook(guest.reaper);
        try {
            guest.connect(start, qemuLog);
        } catch (IOException | RuntimeException | Error e) {
            guest.close();
            throw e;
        }
        return guest;
    }

    private void connect(long start, Path qemuLog) throws IOException, InterruptedException {
        long deadline = start + BOOT_TIMEOUT.toNanos();
        Path qmpSocket = runDir.resolve("qmp.sock");
        // QEMU creates both sockets before the guest runs; a bounded poll, as no event says so.
        while (!Files.exists(qmpSocket) || !Files.exists(runDir.resolve("agent.sock"))) {
            if (qemu.waitFor(50, TimeUnit.MILLISECONDS)) {
                String log = Files.readString(qemuLog);
                if (qemu.exitValue() == 77) {
                    throw skip(skipLine(log));
                }
                throw new IOException("QEMU exited with " + qemu.exitValue() + " before it listened:\n" + log);
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("QEMU made no sockets in " + runDir + " within " + BOOT_TIMEOUT.toSeconds() + " s");
            }
        }
        qmp = Qmp.connect(qmpSocket, QMP_TIMEOUT, this::event, this::qmpEnded);
        try {
            agent = AgentSystemFiles.connect(runDir.resolve("agent.sock"),
                    Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (IOException e) {
            throw new IOException("the guest's agent did not answer within " + BOOT_TIMEOUT.toSeconds() + " s ("
                    + (qemu.isAlive() ? "QEMU runs" : "QEMU exited with " + qemu.exitValue()) + "): " + e.getMessage()
                    + "\nconsole " + consoleLog() + ":\n" + consoleTail(30), e);
        }
        bootTime = Duration.ofNanos(System.nanoTime() - start);
        bootLog = takeKernelLog();
    }

    /** The guest kernel's files, read and written by the agent in the guest. */
    public SystemFiles files() {
        return agent;
    }

    /** {@code uname -r} of the guest. */
    public String release() {
        return agent.release();
    }

    /** From starting QEMU to the agent's HELLO. */
    public Duration bootTime() {
        return bootTime;
    }

    /** The kernel log up to the agent's start (later lines come from {@link #takeKernelLog()}). */
    public List<String> bootLog() {
        return bootLog;
    }

    /** Where the sockets and the console log are. */
    public Path runDir() {
        return runDir;
    }

    /** The guest's serial console (ttyS0): boot messages at loglevel 4, the init script, a panic. */
    public Path consoleLog() {
        return runDir.resolve("console.log");
    }

    /** The last lines of the console, for a failure message. */
    public String consoleTail(int lines) {
        try {
            List<String> all = Files.readAllLines(consoleLog());
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no console log: " + e.getMessage() + ")";
        }
    }

    public boolean isRunning() {
        return qemu.isAlive();
    }

    /** One QMP command (e.g. {@code query-hotpluggable-cpus}), its {@code return} value. */
    public JsonNode qmp(String command, Map<String, ?> arguments) throws IOException {
        return qmp.execute(command, arguments, QMP_TIMEOUT);
    }

    @Override
    public String hmp(String command) {
        try {
            String text = qmp.execute("human-monitor-command", Map.of("command-line", command), QMP_TIMEOUT).asText();
            return text.replace("\r\n", "\n").stripTrailing();
        } catch (Qmp.QmpError e) {
            return "Error: " + e.description();
        } catch (IOException e) {
            throw new IllegalStateException("HMP '" + command + "': " + e.getMessage() + " (console: " + consoleLog()
                    + ")", e);
        }
    }

    @Override
    public List<String> takeOstReports() {
        lock.lock();
        try {
            List<String> taken = List.copyOf(ostReports);
            ostReports.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until an {@code _OST} report not yet taken by {@link #takeOstReports()} matches, and
     * returns it (it stays for {@link #takeOstReports()}).
     *
     * @throws AssertionError naming the reports seen when none matched in time or QEMU exited
     */
    public String awaitOst(Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                for (String report : ostReports) {
                    if (match.test(report)) {
                        return report;
                    }
                }
                long left = deadline - System.nanoTime();
                if (qmpClosed || left <= 0) {
                    throw new AssertionError("no matching _OST report " + (qmpClosed ? "before QEMU exited" : "within "
                            + timeout.toMillis() + " ms") + "; reports: " + ostReports + "\nconsole:\n" + consoleTail(10));
                }
                arrived.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a QMP event named {@code name} not yet taken by {@link #takeEvents()} matches
     * (e.g. {@code DEVICE_DELETED} with {@code data.device} = {@code dimm1}) and returns it.
     */
    public JsonNode awaitEvent(String name, Predicate<JsonNode> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            for (;;) {
                for (JsonNode e : events) {
                    if (name.equals(e.path("event").asText()) && match.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (qmpClosed || left <= 0) {
                    throw new AssertionError("no matching " + name + " event " + (qmpClosed ? "before QEMU exited"
                            : "within " + timeout.toMillis() + " ms") + "; events: " + events);
                }
                arrived.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Every QMP event since the last call (the {@code _OST} ones included), oldest first. */
    public List<JsonNode> takeEvents() {
        lock.lock();
        try {
            List<JsonNode> taken = List.copyOf(events);
            events.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<String> takeKernelLog() {
        try {
            return agent.takeKernelLog();
        } catch (SystemFileException e) {
            throw new IllegalStateException("kernel log: " + e.getMessage() + " (console: " + consoleLog() + ")", e);
        }
    }

    /** {@code slot-type=CPU slot=1 source=0x103 status=0x0 device=cpu1}, as {@link QemuMonitor} words it. */
    static String ostReport(JsonNode info) {
        JsonNode device = info.get("device");
        return "slot-type=" + info.path("slot-type").asText() + " slot=" + info.path("slot").asText() + " source=0x"
                + Integer.toHexString(info.path("source").asInt()) + " status=0x"
                + Integer.toHexString(info.path("status").asInt()) + " device="
                + (device == null || device.isNull() ? "-" : device.asText());
    }

    private void event(JsonNode event) {
        lock.lock();
        try {
            events.add(event);
            if ("ACPI_DEVICE_OST".equals(event.path("event").asText())) {
                ostReports.add(ostReport(event.path("data").path("info")));
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void qmpEnded() {
        lock.lock();
        try {
            qmpClosed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Quits QEMU (QMP {@code quit}, killed when it does not end within 10 s) and closes the sockets. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (qmp != null && qmp.isOpen() && qemu.isAlive()) {
                try {
                    qmp.execute("quit", null, Duration.ofSeconds(5));
                } catch (IOException e) {
                    // QEMU may close the connection before it answers; waitFor below decides
                }
            }
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroy();
                if (!qemu.waitFor(5, TimeUnit.SECONDS)) {
                    qemu.destroyForcibly();
                    qemu.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            qemu.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (qmp != null) {
                qmp.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // the JVM is shutting down and runs the hook anyway
            }
        }
    }

    /** tools/x86-acpi-guest/run.sh of this checkout: the system property {@code syshotplug.x86guest.tool}, else searched upwards. */
    static Path tool() {
        String configured = System.getProperty("syshotplug.x86guest.tool");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("tools/x86-acpi-guest/run.sh");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw skip("x86 guest: SKIP: tools/x86-acpi-guest/run.sh not found above "
                + Path.of("").toAbsolutePath());
    }

    private static void run(List<String> command, Path log, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " took longer than " + timeout.toMinutes() + " min; see "
                    + log);
        }
        if (p.exitValue() == 77) {
            throw skip(skipLine(Files.readString(log)));
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + p.exitValue() + ":\n" + Files.readString(log));
        }
    }

    /** The tool's one {@code SKIP: reason} line, prefixed so a test report says where it came from. */
    /**
     * The skip, also printed: Maven's summary counts skipped tests but does not say why, and the
     * reason (no QEMU, no network) is what a reader of the build log needs.
     */
    private static TestAbortedException skip(String line) {
        System.out.println(line);
        return new TestAbortedException(line);
    }

    static String skipLine(String log) {
        String reason = log.lines().filter(l -> l.startsWith("SKIP: ")).reduce((a, b) -> b).orElse("SKIP: exit 77");
        return "x86 guest: " + reason;
    }
}
