package org.syshotplug.sequencer.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

/**
 * Not a test: a figure. Sequential request latency through a three-handler no-op chain, without and
 * with the journal (whose cost is the fdatasync calls). Run from the module folder:
 * {@code mvn -q -o dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test &&
 * java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp target/classes:target/test-classes:$(cat /tmp/cp.txt)
 * org.syshotplug.sequencer.internal.ThroughputProbe}
 */
public final class ThroughputProbe {

    private ThroughputProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        for (boolean journaled : new boolean[] {false, true, false, true}) {
            Path journal = journaled ? Files.createTempDirectory("sequencer-probe").resolve("journal.log") : null;
            try (Sequencer s = new Sequencer(SequencerSettings.defaults(), null, journal)) {
                for (String phase : List.of("validate", "execute", "commit")) {
                    // Each lambda captures its phase: a non-capturing lambda would be one shared instance.
                    s.addHandler(context -> phase.length(), Map.of("hotplug.phase", phase, "hotplug.priority", 400,
                            "component.name", "noop-" + phase));
                }
                for (int i = 0; i < n / 10; i++) {
                    s.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();
                }
                long[] latency = new long[n];
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    s.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();
                    latency[i] = System.nanoTime() - t;
                }
                long total = System.nanoTime() - t0;
                Arrays.sort(latency);
                System.out.printf("%-10s %d sequential requests, 3 no-op handlers: %.0f req/s, median %.0f us, p99 %.0f us%n",
                        journaled ? "journal" : "no journal", n, n / (total / 1e9), latency[n / 2] / 1e3,
                        latency[n * 99 / 100] / 1e3);
            }
        }
    }
}
