package org.syshotplug.platform.internal.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * tools/x86-acpi-guest/agent.c built for this host and run in its test mode, serving a folder as
 * if it were {@code /} on a unix socket: the same C code that runs in the guest, without QEMU.
 */
public final class HostAgent implements AutoCloseable {
    private static final Path BINARY = Path.of("target", "agent-host", "agent").toAbsolutePath();

    private final Process process;
    final Path socket;

    private HostAgent(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts the agent on {@code root}; the test is skipped (one line) where gcc or the source is missing. */
    public static HostAgent serve(Path root, Path socket) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(binary().toString(), "--root", root.toString(), "--unix", socket.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new HostAgent(p, socket);
    }

    public AgentSystemFiles connect() throws IOException {
        return AgentSystemFiles.connect(socket, Duration.ofSeconds(10));
    }

    static synchronized Path binary() throws IOException, InterruptedException {
        Path source = agentSource();
        Assumptions.assumeTrue(source != null, "skipped: tools/x86-acpi-guest/agent.c not found above " + Path.of("").toAbsolutePath());
        if (Files.isExecutable(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(Files.getLastModifiedTime(source)) >= 0) {
            return BINARY;
        }
        Files.createDirectories(BINARY.getParent());
        Path log = BINARY.resolveSibling("build.log");
        Process gcc;
        try {
            gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-o", BINARY.toString(), source.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            Assumptions.abort("skipped: gcc is not installed; it builds the x86 guest agent (" + e.getMessage() + ")");
            throw e;
        }
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            gcc.destroyForcibly();
            throw new AssertionError("gcc could not build " + source + ":\n" + Files.readString(log));
        }
        return BINARY;
    }

    static Path agentSource() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("tools/x86-acpi-guest/agent.c");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
