package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.syshotplug.launcher.Config;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * The assembled distribution with its shipped etc/ (HTTP API installed, etc/org.syshotplug.http.cfg
 * saying enabled = false) opens no listening TCP socket: what {@code ss -ltnp} would show for the
 * process, read from /proc (this JVM's socket inodes against /proc/net/tcp and tcp6 in LISTEN).
 * Runs only where the distribution has been built.
 */
class HttpOffAsShippedTest {

    private static final Path DISTRIBUTION = RuntimeOptions.ROOT.resolve("distribution/target/syshotplug");

    @Test
    void theShippedConfigurationListensOnNoTcpPort(@TempDir Path data) throws Exception {
        assumeTrue(Files.isRegularFile(DISTRIBUTION.resolve("etc/org.syshotplug.http.cfg")),
                "skipped: the distribution with the HTTP API is not built at " + DISTRIBUTION);
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "skipped: no /proc/net/tcp on this system");
        Set<String> before = listeningInodes();
        Path deploy = Files.createDirectories(data.resolve("deploy"));
        try (SysHotplugRuntime runtime = SysHotplugRuntime.start(Config.builder().home(DISTRIBUTION).dataDir(data)
                .deployDir(deploy).build())) {
            Bundle api = Arrays.stream(runtime.bundleContext().getBundles())
                    .filter(b -> "org.syshotplug.http".equals(b.getSymbolicName())).findFirst().orElseThrow();
            assertEquals(Bundle.ACTIVE, api.getState(), "the HTTP API bundle is installed and active");
            assertTrue(Arrays.stream(runtime.bundleContext().getBundles())
                    .anyMatch(b -> "org.apache.felix.http.jetty12".equals(b.getSymbolicName()) && b.getState() == Bundle.ACTIVE));
            Set<String> opened = listeningInodes();
            opened.removeAll(before);
            assertEquals(Set.of(), opened, "listening TCP sockets opened by the runtime");
            assertEquals(null, runtime.bundleContext().getServiceReference(HttpRuntime.HTTP_RUNTIME));
        }
        // The probe itself sees a listening socket of this process.
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Set<String> opened = listeningInodes();
            opened.removeAll(before);
            assertEquals(1, opened.size(), "the probe's own socket: " + opened);
        }
    }

    /** Inodes of this process's sockets that /proc/net/tcp{,6} list in state LISTEN (0A). */
    private static Set<String> listeningInodes() throws IOException {
        Set<String> mine = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        mine.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed while listing
                }
            }
        }
        Set<String> listening = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[3].equals("0A") && mine.contains(f[9])) {
                    listening.add(table + ":" + f[1] + " inode " + f[9]);
                }
            }
        }
        return listening;
    }
}
