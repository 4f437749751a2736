package org.syshotplug.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/**
 * The simulated x86-acpi machine at its largest size: building a 1,024-CPU, 8,192-block machine,
 * and reading every CPU's {@code online} file (CPU 0 has none, as on real x86) through SystemFiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SimulatedMachineBenchmark {

    @Param("1024")
    int cpus;

    @Param("8192")
    int memoryBlocks;

    private SimulatedMachine machine;
    private String[] onlineFiles;

    @Setup
    public void setUp() {
        machine = SimulatedMachine.x86Acpi(cpus, memoryBlocks);
        onlineFiles = new String[cpus - 1];
        for (int cpu = 1; cpu < cpus; cpu++) {
            onlineFiles[cpu - 1] = KernelPaths.cpu(cpu, "online");
        }
    }

    /** Building the whole machine: CPUs, blocks, nodes, ACPI namespace, MADT. */
    @Benchmark
    public SimulatedMachine buildMachine() {
        return SimulatedMachine.x86Acpi(cpus, memoryBlocks);
    }

    /** Reading all 1,023 CPU online files of an existing machine. */
    @Benchmark
    public void readEveryCpuOnline(Blackhole sink) throws SystemFileException {
        for (String file : onlineFiles) {
            sink.consume(machine.read(file));
        }
    }

    /** Both: what a CPU inventory pays on a freshly started simulated platform. */
    @Benchmark
    public void buildThenReadEveryCpuOnline(Blackhole sink) throws SystemFileException {
        SimulatedMachine fresh = SimulatedMachine.x86Acpi(cpus, memoryBlocks);
        for (String file : onlineFiles) {
            sink.consume(fresh.read(file));
        }
    }
}
