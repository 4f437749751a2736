package org.syshotplug.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;

/**
 * What the durable journal adds to a request: the same 8-handler no-op chain with the journal off
 * (as in {@link SequencerBenchmark}) and on, written to a file on the disk under the working
 * directory the way the runtime writes it to its data folder (forced at phase boundaries and after
 * every execute step).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class JournalBenchmark {

    @Param({"off", "on"})
    public String journal;

    @Param({"1", "64"})
    public int devices;

    private Path folder;
    private Sequencer sequencer;
    private HotplugRequest request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path journalFile = null;
        if (journal.equals("on")) {
            Path target = Path.of("benchmarks/target");
            folder = Files.createTempDirectory(Files.isDirectory(target) ? target : Path.of("."), "journal-");
            journalFile = folder.resolve("requests.journal");
        }
        sequencer = new Sequencer(SequencerSettings.defaults(), null, journalFile);
        for (int i = 0; i < 8; i++) {
            sequencer.addHandler(new NoopHandler(), NoopHandler.properties(i));
        }
        request = SequencerBenchmark.request("journal", devices);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        sequencer.close();
        if (folder != null) {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public HotplugResult request() throws Exception {
        return sequencer.submit(request).getValue();
    }
}
