package org.syshotplug.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/**
 * The pseries firmware view on the device tree of a real QEMU 7.2 pseries guest (Linux 6.1), captured
 * by the rtas bundle: reference point 1, CPU core nodes without {@code ibm,associativity} (QEMU
 * without -numa), and {@code ibm,dynamic-memory-v2} sets whose assigned LMBs use lookup row 0.
 */
class PseriesFirmwareViewTest {

    private static final Path CAPTURE = Path.of("../rtas-bundle/src/test/resources/fixtures/pseries/proc-device-tree");

    @TempDir
    Path root;

    private NodeFirmwareView view() throws IOException {
        Path dt = root.resolve("proc/device-tree");
        try (Stream<Path> all = Files.walk(CAPTURE)) {
            for (Path p : all.toList()) {
                Path to = dt.resolve(CAPTURE.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return new NodeFirmwareView(new LinuxSystemFiles(root));
    }

    @Test
    void domainsComeFromTheLookupArraysAtTheFirstReferencePoint() throws Exception {
        NodeFirmwareView view = view();

        List<NodeFirmwareView.Domain> domains = view.domains();

        assertTrue(view.pseries());
        assertEquals(1, view.primaryDepth());
        assertEquals(2, domains.size(), domains.toString());
        NodeFirmwareView.Domain unknown = domains.get(0);
        assertEquals(-1, unknown.id(), "cores without ibm,associativity and LMBs without a lookup row");
        assertEquals(List.of("PowerPC,POWER9@0", "PowerPC,POWER9@1"), unknown.cores());
        assertEquals(30, unknown.lmbs());
        NodeFirmwareView.Domain zero = domains.get(1);
        assertEquals(0, zero.id());
        assertEquals(2, zero.lmbs());
        assertEquals(2, zero.assignedLmbs());
    }

    @Test
    void reportSaysReadOnly() throws Exception {
        String report = view().pseriesReport();

        assertTrue(report.contains("read-only: DLPAR adds and removes cores and LMBs, not whole nodes"), report);
        assertTrue(report.lines().anyMatch(l -> l.strip().matches("0 +0 +2 +2 +-")), report);
    }
}
