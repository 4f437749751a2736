package org.syshotplug.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Everything {@code benchmarks/run.sh} reports, in one JVM that forks the JMH runs: the sequencer
 * against direct calls, the growth fit, bind/unbind under load, the simulated machine, the live CPU
 * 1 comparison and the distribution's start-up, ending in one table.
 *
 * <p>Arguments: {@code --home DIR} (the distribution folder), {@code --out DIR} (JMH JSON files),
 * {@code --skip jmh,live,startup}, {@code --startup-runs N}, {@code --live-cycles N}, {@code --quick}
 * (one short JMH iteration each: checks the suite runs, figures not worth reporting).
 */
public final class Suite {

    private final List<String> table = new ArrayList<>();
    private static boolean quick;

    private Suite() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of("distribution/target/syshotplug");
        Path out = Path.of("benchmarks/target/results");
        String skip = "";
        int startupRuns = 5;
        int liveCycles = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home" -> home = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--skip" -> skip = args[++i];
                case "--startup-runs" -> startupRuns = Integer.parseInt(args[++i]);
                case "--live-cycles" -> liveCycles = Integer.parseInt(args[++i]);
                case "--quick" -> quick = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; expected --home DIR, --out DIR, --skip jmh,live,startup, --startup-runs N, --live-cycles N, --quick");
            }
        }
        Files.createDirectories(out);
        Suite suite = new Suite();
        if (!skip.contains("jmh")) {
            suite.sequencer(out);
            suite.latency(out);
            suite.bindUnbind(out);
            suite.journal(out);
            suite.handoff(out);
            suite.simulatedMachine(out);
            suite.simulatedChain(out);
        }
        if (!skip.contains("live")) {
            suite.live(liveCycles);
        }
        if (!skip.contains("startup")) {
            suite.startup(home, startupRuns, out.resolve("startup"));
        }
        System.out.println();
        System.out.println("==================== SysHotplug benchmark summary ====================");
        suite.table.forEach(System.out::println);
    }

    private static Collection<RunResult> jmh(Path out, String name, String include, Mode mode, Map<String, String[]> params)
            throws Exception {
        ChainedOptionsBuilder b = new OptionsBuilder().include(include)
                .resultFormat(ResultFormatType.JSON).result(out.resolve(name + ".json").toString());
        if (mode != null) {
            b.mode(mode);
        }
        if (quick) {
            // A smoke run of the whole suite: figures from it are not worth reporting.
            b.warmupIterations(1).warmupTime(TimeValue.milliseconds(200))
                    .measurementIterations(1).measurementTime(TimeValue.milliseconds(300));
        }
        params.forEach(b::param);
        return new Runner(b.build()).run();
    }

    private void sequencer(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "sequencer", SequencerBenchmark.class.getName() + "\\.", null, Map.of());
        // [benchmark][handlers][devices] -> us per request: the JMH score (mean of the iterations)
        // and the best iteration, which a busy shared machine disturbs least.
        Map<String, Map<Integer, Map<Integer, Double>>> us = new TreeMap<>();
        Map<String, Map<Integer, Map<Integer, Double>>> best = new TreeMap<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            int h = Integer.parseInt(r.getParams().getParam("handlers"));
            int d = Integer.parseInt(r.getParams().getParam("devices"));
            us.computeIfAbsent(method, k -> new TreeMap<>()).computeIfAbsent(h, k -> new TreeMap<>())
                    .put(d, r.getPrimaryResult().getScore());
            best.computeIfAbsent(method, k -> new TreeMap<>()).computeIfAbsent(h, k -> new TreeMap<>())
                    .put(d, bestIteration(r));
        }
        table.add(String.format(Locale.ROOT, "SEQUENCER vs DIRECT (JMH avg time per request in µs: mean of iterations / best iteration;"
                + " req/s from the best), load %s", load));
        table.add(String.format(Locale.ROOT, "  %8s %8s %10s %19s %19s %10s %10s %10s", "HANDLERS", "DEVICES",
                "DIRECT µs", "SEQ µs mean/best", "PIPE µs mean/best", "SEQ req/s", "PIPE req/s", "SEQ/DIRECT"));
        for (int h : us.get("sequencer").keySet()) {
            for (int d : us.get("sequencer").get(h).keySet()) {
                double direct = best.get("direct").get(h).get(d);
                double seq = us.get("sequencer").get(h).get(d);
                double seqBest = best.get("sequencer").get(h).get(d);
                double pipe = us.get("sequencerPipelined").get(h).get(d);
                double pipeBest = best.get("sequencerPipelined").get(h).get(d);
                table.add(String.format(Locale.ROOT, "  %8d %8d %10.4f %9.1f/%-9.1f %9.1f/%-9.1f %10.0f %10.0f %10.0f", h, d,
                        direct, seq, seqBest, pipe, pipeBest, 1e6 / seqBest, 1e6 / pipeBest, seqBest / direct));
            }
        }
        fit("sequencer (one at a time)", best.get("sequencer"));
        fit("sequencer (pipelined)", best.get("sequencerPipelined"));
        ratios(best.get("sequencerPipelined"));
    }

    private static double bestIteration(RunResult r) {
        double min = Double.MAX_VALUE;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                min = Math.min(min, i.getPrimaryResult().getScore());
            }
        }
        return min;
    }

    /**
     * Least squares of cost = a + b·handlers + c·devices + e·handlers·devices over the 3×3 grid,
     * weighted by 1/cost² so each point counts by its relative error (the costs span three orders
     * of magnitude; an unweighted fit would only see the 4,096-device column).
     */
    private void fit(String what, Map<Integer, Map<Integer, Double>> grid) {
        List<double[]> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        grid.forEach((h, byDevices) -> byDevices.forEach((d, v) -> {
            x.add(new double[] {1, h, d, (double) h * d});
            y.add(v);
        }));
        double[][] weighted = new double[x.size()][];
        double[] ones = new double[x.size()];
        for (int i = 0; i < x.size(); i++) {
            double[] row = x.get(i).clone();
            for (int k = 0; k < row.length; k++) {
                row[k] /= y.get(i);
            }
            weighted[i] = row;
            ones[i] = 1;
        }
        OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
        ols.setNoIntercept(true);
        ols.newSampleData(ones, weighted);
        double[] beta = ols.estimateRegressionParameters();
        double worst = 0;
        StringBuilder off = new StringBuilder();
        for (int i = 0; i < y.size(); i++) {
            double[] xi = x.get(i);
            double predicted = beta[0] + beta[1] * xi[1] + beta[2] * xi[2] + beta[3] * xi[3];
            double rel = (predicted - y.get(i)) / y.get(i);
            worst = Math.max(worst, Math.abs(rel));
            off.append(String.format(Locale.ROOT, " %+.0f%%", 100 * rel));
        }
        table.add(String.format(Locale.ROOT,
                "  fit (best) %-26s µs = %.2f + %.3f·h + %.5f·d + %.6f·h·d   worst point off by %.0f%%",
                what, beta[0], beta[1], beta[2], beta[3], 100 * worst));
        table.add("      (fit minus measured, h-major:" + off + ")");
    }

    /** Cost per handler×device step above the fixed per-request cost: flat if growth is linear in h·d. */
    private void ratios(Map<Integer, Map<Integer, Double>> grid) {
        double base = grid.get(1).get(1);
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-44s", "pipelined best / best(1 handler, 1 device):"));
        grid.values().iterator().next().keySet().forEach(d -> header.append(String.format(Locale.ROOT, " %9s", "d=" + d)));
        table.add(header.toString());
        grid.forEach((h, byDevices) -> {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-44s", "  h=" + h));
            byDevices.forEach((d, v) -> row.append(String.format(Locale.ROOT, " %9.1f", v / base)));
            table.add(row.toString());
        });
    }

    private void latency(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "latency", SequencerBenchmark.class.getName() + "\\.sequencer$",
                Mode.SampleTime, Map.of("handlers", new String[] {"8"}));
        table.add(String.format(Locale.ROOT, "SEQUENCER LATENCY, 8 handlers, one request at a time (JMH sample time, µs), load %s", load));
        table.add(String.format(Locale.ROOT, "  %8s %10s %10s %10s %10s", "DEVICES", "MEAN", "P50", "P99", "P99.9"));
        for (RunResult r : results) {
            var s = r.getPrimaryResult().getStatistics();
            table.add(String.format(Locale.ROOT, "  %8s %10.1f %10.1f %10.1f %10.1f", r.getParams().getParam("devices"),
                    s.getMean(), s.getPercentile(50), s.getPercentile(99), s.getPercentile(99.9)));
        }
    }

    private void bindUnbind(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "bind-unbind", BindUnbindBenchmark.class.getName() + "\\.", null, Map.of());
        table.add(String.format(Locale.ROOT, "BIND/UNBIND while requests flow (8 handlers, 64 CPUs per request; JMH avg µs), load %s", load));
        for (RunResult r : results) {
            String group = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            if (r.getSecondaryResults().isEmpty()) {
                // a group of one method reports it as the primary result only
                table.add(String.format(Locale.ROOT, "  %-8s %-14s %10.1f µs ± %.1f", group, "request",
                        r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
            }
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                table.add(String.format(Locale.ROOT, "  %-8s %-14s %10.1f µs ± %.1f", group, e.getKey(),
                        e.getValue().getScore(), e.getValue().getScoreError()));
            }
        }
    }

    private void journal(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "journal", JournalBenchmark.class.getName() + "\\.", null, Map.of());
        table.add(String.format(Locale.ROOT, "JOURNAL off/on (8 handlers, one request at a time; JMH avg µs), load %s", load));
        for (RunResult r : results) {
            table.add(String.format(Locale.ROOT, "  journal %-4s devices %-5s %10.1f µs ± %.1f  (%.0f req/s)",
                    r.getParams().getParam("journal"), r.getParams().getParam("devices"),
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(), 1e6 / r.getPrimaryResult().getScore()));
        }
    }

    private void handoff(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "handoff", HandoffBenchmark.class.getName() + "\\.", null, Map.of());
        for (RunResult r : results) {
            table.add(String.format(Locale.ROOT,
                    "THREAD HAND-OFF floor: one empty task through a cached pool and back %.1f µs ± %.1f, load %s",
                    r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError(), load));
        }
    }

    private void simulatedMachine(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results;
        try {
            results = jmh(out, "simulated-machine", "SimulatedMachineBenchmark", null, Map.of());
        } catch (Exception e) {
            table.add("SIMULATED MACHINE: not run (" + e.getMessage() + ")");
            return;
        }
        if (results.isEmpty()) {
            table.add("SIMULATED MACHINE: no SimulatedMachineBenchmark in this build");
            return;
        }
        table.add(String.format(Locale.ROOT, "SIMULATED MACHINE (JMH), load %s", load));
        for (RunResult r : results) {
            Result p = r.getPrimaryResult();
            StringBuilder params = new StringBuilder();
            for (String k : r.getParams().getParamsKeys()) {
                params.append(k).append('=').append(r.getParams().getParam(k)).append(' ');
            }
            table.add(String.format(Locale.ROOT, "  %-40s %-28s %12.3f %s", r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                    params.toString().trim(), p.getScore(), p.getScoreUnit()));
        }
    }

    private void simulatedChain(Path out) throws Exception {
        String load = LiveCpuCycle.loadAverage();
        Collection<RunResult> results = jmh(out, "simulated-chain", SimulatedChainBenchmark.class.getName() + "\\.", null, Map.of());
        table.add(String.format(Locale.ROOT,
                "CPU HANDLERS on the simulated 1,024-CPU / 8,192-block machine: offline then online request (JMH avg), load %s", load));
        for (RunResult r : results) {
            table.add(String.format(Locale.ROOT, "  %5s CPUs per request %12.1f µs ± %.1f  (%.1f µs per CPU per request)",
                    r.getParams().getParam("cpusPerRequest"), r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError(),
                    r.getPrimaryResult().getScore() / 2 / Integer.parseInt(r.getParams().getParam("cpusPerRequest"))));
        }
    }

    private void live(int cycles) throws Exception {
        String skip = LiveCpuCycle.whyNotLive();
        if (skip != null) {
            table.add("LIVE CPU 1: skipped: " + skip);
            return;
        }
        LiveCpuCycle.Result r = LiveCpuCycle.run(cycles, 3);
        LiveCpuCycle.print(r);
        table.add(String.format(Locale.ROOT, "LIVE CPU 1 offline+online, %d interleaved cycles, load %s -> %s",
                cycles, r.loadBefore(), r.loadAfter()));
        table.add(String.format(Locale.ROOT,
                "  medians: a SysHotplug %.2f ms   a0 no journal %.2f ms   b chcpu %.2f ms   c write(2) %.2f ms   d handlers direct %.2f ms",
                r.median(0) / 1e6, r.median(3) / 1e6, r.median(1) / 1e6, r.median(2) / 1e6, r.median(4) / 1e6));
        LiveCpuCycle.ratios(r).forEach(line -> table.add("  " + line + "  (target a/c <= 1.03)"));
    }

    private void startup(Path home, int runs, Path work) throws Exception {
        if (!Files.isExecutable(home.resolve("bin/syshotplug"))) {
            table.add("START-UP: skipped: " + home.resolve("bin/syshotplug") + " not built");
            return;
        }
        table.addAll(StartupProbe.lines(StartupProbe.probe(home, runs, work)));
    }
}
