package org.syshotplug.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.cpu.internal.CpuOnlineHandler;
import org.syshotplug.cpu.internal.CpuValidateHandler;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.sequencer.internal.Sequencer;
import org.syshotplug.sequencer.internal.SequencerSettings;
import org.syshotplug.spi.HandlerProperties;

/**
 * The real CPU handlers through the sequencer on the simulated x86-acpi machine at 1,024 CPUs and
 * 8,192 memory blocks: one offline request and one online request of 1, 64 or all 1,023
 * hot-pluggable CPUs, awaited in turn. What a request costs on a big machine when the kernel side
 * costs next to nothing, so the handlers' and the sequencer's own growth shows.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class SimulatedChainBenchmark {

    @Param({"1", "64", "1023"})
    public int cpusPerRequest;

    private Sequencer sequencer;
    private HotplugRequest offline;
    private HotplugRequest online;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(1024, 8192);
        sequencer = new Sequencer(SequencerSettings.defaults().withHandlerDeadline(Duration.ofSeconds(60)));
        sequencer.addHandler(new CpuValidateHandler(machine), properties("org.syshotplug.cpu.validate", "validate"));
        sequencer.addHandler(new CpuOnlineHandler(machine), properties("org.syshotplug.cpu.online", "execute"));
        List<DeviceRef> cpus = new ArrayList<>();
        for (int i = 1; i <= cpusPerRequest; i++) {
            cpus.add(DeviceRef.cpu(i));
        }
        offline = HotplugRequest.builder(Operation.OFFLINE).id("sim-off").origin("benchmark").targets(cpus).build();
        online = HotplugRequest.builder(Operation.ONLINE).id("sim-on").origin("benchmark").targets(cpus).build();
        offlineThenOnline();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sequencer.close();
    }

    @Benchmark
    public HotplugResult offlineThenOnline() throws Exception {
        require(sequencer.submit(offline).getValue());
        return require(sequencer.submit(online).getValue());
    }

    private static HotplugResult require(HotplugResult r) {
        if (!r.succeeded()) {
            throw new IllegalStateException("simulated CPU request did not succeed: " + r.summary());
        }
        return r;
    }

    private static Map<String, Object> properties(String name, String phase) {
        return Map.of("component.name", name, HandlerProperties.PHASE, phase,
                HandlerProperties.PRIORITY, HandlerProperties.CPU,
                HandlerProperties.DEVICES, new String[] {DeviceRef.CPU}, Sequencer.BUNDLE_PROPERTY, "org.syshotplug.cpu");
    }
}
