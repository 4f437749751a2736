package org.syshotplug.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * {@code hotplug:nodes} on this machine's real kernel (what {@code --platform linux} runs), read-only:
 * it agrees with {@code /sys/devices/system/node} read directly and with {@code numactl -H}.
 */
class NodesOnThisVmTest {

    private static final Path NODE = Path.of("/sys/devices/system/node");

    private static LinuxSystemFiles host() {
        Assumptions.assumeTrue(Files.isDirectory(NODE), "skipped: this kernel has no " + NODE);
        return new LinuxSystemFiles(Path.of("/"));
    }

    @Test
    void hardwareViewMatchesNumactl() throws Exception {
        LinuxSystemFiles files = host();
        List<String> numactl = numactlHardware();
        if (numactl == null) {
            System.out.println("NUMACTL: SKIPPED: numactl is not installed (Debian package numactl)");
        }
        Assumptions.assumeTrue(numactl != null, "skipped: numactl is not installed (Debian package numactl)");

        List<String> ours = new NodeCommands(files).nodes(true, false).lines().toList();

        assertEquals(numactl.size(), ours.size(), "numactl -H:\n" + String.join("\n", numactl) + "\nours:\n" + ours);
        for (int i = 0; i < ours.size(); i++) {
            if (numactl.get(i).matches("node \\d+ free: .*")) {
                // free memory moves between the two reads: the line's shape must agree, not the figure
                assertTrue(ours.get(i).matches(numactl.get(i).replaceAll("\\d+ MB$", "\\\\d+ MB")), ours.get(i));
            } else {
                assertEquals(numactl.get(i), ours.get(i), "line " + (i + 1));
            }
        }
        System.out.println("NUMACTL: hotplug:nodes -H agrees with numactl -H (" + ours.size() + " lines): "
                + ours.get(0));
    }

    @Test
    void inventoryMatchesTheNodeFolder() throws Exception {
        LinuxSystemFiles files = host();

        List<DeviceInfo> nodes = new NodeInventory(files).devices();

        assertEquals(read("possible"), NodeList.format(ids(nodes, false)));
        assertEquals(read("online"), NodeList.format(ids(nodes, true)));
        for (DeviceInfo n : nodes) {
            if (!n.state().equals("online")) {
                continue;
            }
            Path dir = NODE.resolve("node" + n.ref().id());
            assertEquals(Files.readString(dir.resolve("cpulist")).strip(), n.attributes().get("online-cpus"));
            assertEquals(links(dir, "cpu"), n.attributes().get("cpus"));
            assertEquals(links(dir, "memory"), n.attributes().get("blocks"));
            String total = Files.readAllLines(dir.resolve("meminfo")).get(0).replaceAll("\\D+", " ").strip()
                    .split(" ")[1];
            assertEquals(NodeReport.human(Long.parseLong(total)), n.attributes().get("memory"));
            assertEquals(contains(read("has_cpu"), n), n.attributes().get("has_cpu"));
            assertEquals(contains(read("has_memory"), n), n.attributes().get("has_memory"));
            assertEquals(contains(read("has_normal_memory"), n), n.attributes().get("has_normal_memory"));
        }
        System.out.println("NODES: inventory agrees with " + NODE + ": " + nodes);
    }

    private static String read(String mask) throws IOException {
        return Files.readString(NODE.resolve(mask)).strip();
    }

    private static java.util.BitSet ids(List<DeviceInfo> nodes, boolean onlineOnly) {
        java.util.BitSet b = new java.util.BitSet();
        nodes.stream().filter(n -> !onlineOnly || n.state().equals("online"))
                .forEach(n -> b.set(Integer.parseInt(n.ref().id())));
        return b;
    }

    private static String contains(String list, DeviceInfo n) {
        return NodeList.parse(list).get(Integer.parseInt(n.ref().id())) ? "yes" : "no";
    }

    private static String links(Path dir, String prefix) throws IOException {
        java.util.BitSet b = new java.util.BitSet();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.matches(prefix + "\\d+"))
                    .forEach(n -> b.set(Integer.parseInt(n.substring(prefix.length()))));
        }
        return NodeList.format(b);
    }

    /** {@code numactl -H}'s lines, or null when numactl is not installed. */
    private static List<String> numactlHardware() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("numactl", "-H").redirectErrorStream(true).start();
        } catch (IOException e) {
            return null;
        }
        try {
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "numactl -H did not finish");
            assertEquals(0, p.exitValue(), out);
            return new ArrayList<>(out.lines().toList());
        } finally {
            p.destroyForcibly();
        }
    }
}
