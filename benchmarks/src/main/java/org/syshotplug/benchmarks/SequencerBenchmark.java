package org.syshotplug.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;

/**
 * What the sequencer costs per request over calling the same no-op handlers in a loop, for chains
 * of 1, 8 and 32 execute-phase handlers and requests naming 1, 64 and 4,096 CPUs.
 *
 * <ul>
 * <li>{@code direct}: the handlers called one after the other on the caller's thread;</li>
 * <li>{@code sequencer}: one request submitted and awaited, the latency a shell user sees;</li>
 * <li>{@code sequencerPipelined}: {@value #BATCH} requests in the queue at once, then awaited,
 *     the throughput a burst of requests (an ACPI notify storm, a DLPAR script) gets.</li>
 * </ul>
 * Each is reported per request. Logging is SLF4J's no-operation provider, so the figures are the
 * engine's own cost, not the log back end's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SequencerBenchmark {

    static final int BATCH = 64;

    @Param({"1", "8", "32"})
    public int handlers;

    @Param({"1", "64", "4096"})
    public int devices;

    private Sequencer sequencer;
    private List<NoopHandler> chain;
    private HotplugRequest request;
    private HotplugRequest[] batch;
    private DirectContext context;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sequencer = new Sequencer(SequencerSettings.defaults());
        chain = new ArrayList<>();
        for (int i = 0; i < handlers; i++) {
            NoopHandler h = new NoopHandler();
            chain.add(h);
            sequencer.addHandler(h, NoopHandler.properties(i));
        }
        request = request("bench", devices);
        batch = new HotplugRequest[BATCH];
        for (int i = 0; i < BATCH; i++) {
            batch[i] = request("bench-" + i, devices);
        }
        context = new DirectContext(request);
        HotplugResult first = sequencer.submit(request).getValue();
        if (!first.succeeded() || first.steps().size() != handlers) {
            throw new IllegalStateException("the benchmark chain does not run as assumed: " + first.summary()
                    + " with " + first.steps().size() + " steps");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sequencer.close();
    }

    static HotplugRequest request(String id, int devices) {
        List<DeviceRef> cpus = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            cpus.add(DeviceRef.cpu(i));
        }
        return HotplugRequest.builder(Operation.ONLINE).id(id).origin("benchmark").targets(cpus).build();
    }

    @Benchmark
    public void direct(Blackhole bh) throws Exception {
        for (NoopHandler h : chain) {
            h.handle(context);
        }
        bh.consume(context);
    }

    @Benchmark
    public HotplugResult sequencer() throws Exception {
        return sequencer.submit(request).getValue();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void sequencerPipelined(Blackhole bh) throws Exception {
        @SuppressWarnings("unchecked")
        Promise<HotplugResult>[] pending = new Promise[BATCH];
        for (int i = 0; i < BATCH; i++) {
            pending[i] = sequencer.submit(batch[i]);
        }
        for (Promise<HotplugResult> p : pending) {
            bh.consume(p.getValue());
        }
    }
}
