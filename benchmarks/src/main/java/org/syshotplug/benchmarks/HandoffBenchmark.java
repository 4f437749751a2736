package org.syshotplug.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under every sequencer handler call: handing an empty task to a cached thread pool and
 * waiting for it with a timeout, the pattern the sequencer uses so that a wedged handler cannot
 * wedge the queue. A request through an h-handler chain pays h of these plus the submit-to-worker
 * and worker-to-caller hand-offs, so this times (h + 1) bounds what the sequencer can reach.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HandoffBenchmark {

    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "handoff-benchmark");
            t.setDaemon(true);
            return t;
        });
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public Object poolRoundTrip() throws Exception {
        return pool.submit(() -> null).get(30, TimeUnit.SECONDS);
    }
}
