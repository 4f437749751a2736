package org.syshotplug.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
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
 * What a handler bundle coming and going costs while requests flow, and what it does to those
 * requests: an 8-handler chain, requests of 64 CPUs awaited one at a time, and a ninth handler
 * added and removed in a loop on a second thread (DS bind and unbind of a dynamic greedy
 * reference end in exactly these two calls). {@code quiet} is the same request stream with nobody
 * binding, measured in the same run.
 *
 * <p>Removing a handler that the running request snapshotted waits until that request ends (the
 * "a handler never vanishes under its request" rule), so {@code churn:bindUnbind} includes
 * waiting for up to one request.
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BindUnbindBenchmark {

    static final int HANDLERS = 8;
    static final int DEVICES = 64;

    private Sequencer sequencer;
    private HotplugRequest request;
    private final NoopHandler extra = new NoopHandler();

    @Setup(Level.Trial)
    public void setUp() {
        sequencer = new Sequencer(SequencerSettings.defaults());
        for (int i = 0; i < HANDLERS; i++) {
            sequencer.addHandler(new NoopHandler(), NoopHandler.properties(i));
        }
        request = SequencerBenchmark.request("churn", DEVICES);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sequencer.close();
    }

    @Benchmark
    @Group("quiet")
    @GroupThreads(1)
    public HotplugResult quietRequest() throws Exception {
        return sequencer.submit(request).getValue();
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public HotplugResult request() throws Exception {
        return sequencer.submit(request).getValue();
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public boolean bindUnbind() {
        sequencer.addHandler(extra, NoopHandler.properties(HANDLERS));
        return sequencer.removeHandler(extra);
    }
}
