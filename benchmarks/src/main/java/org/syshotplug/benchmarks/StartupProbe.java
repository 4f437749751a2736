package org.syshotplug.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Start-up time and footprint of the distribution's {@code bin/syshotplug -c CMD}, run as a user
 * would run it, under {@code /usr/bin/time -v} for the peak RSS, once per JVM flag set.
 *
 * <p>bin/syshotplug ships its own JVM tuning ({@code SYSHOTPLUG_JVM}); rows named "as shipped"
 * keep it, every other row sets it empty so that only the row's own flags apply.
 *
 * <p>Three instants per run, all from the moment the process is spawned: <em>ready</em> is when
 * the launcher's banner ("... ready in N ms", printed on stderr once {@code HotplugService} is
 * up) arrives, <em>first request</em> is when the command's output arrives on stdout (the command
 * prints only after its request has completed), <em>exit</em> is when the process has ended.
 * The first run of each flag set fills the framework cache and is reported apart (cold); the
 * medians are over the warm runs that follow, as an appliance restarts with its cache in place.
 */
public final class StartupProbe {

    static final String COMMAND = "hotplug:offline cpu:1";
    private static final Pattern READY = Pattern.compile("ready in (\\d+) ms");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    /**
     * One way to start the JVM. {@code archive} names a CDS archive to train first, or is null;
     * {@code bareJvm} runs {@code java -version} instead of SysHotplug: the floor under every row.
     */
    record Variant(String name, String javaOpts, Path archive, boolean bareJvm, boolean shell) {

        Variant(String name, String javaOpts, Path archive) {
            this(name, javaOpts, archive, false, false);
        }

        /** Rows named "as shipped" keep bin/syshotplug's own SYSHOTPLUG_JVM tuning; the others start from JVM defaults. */
        boolean shipped() {
            return name.startsWith("as shipped");
        }
    }

    /** One start-up, in milliseconds from spawn; the banner's own figure; peak RSS in KiB. */
    record Run(double readyMs, double firstRequestMs, double exitMs, long bannerMs, long maxRssKiB, int status) {
    }

    /** Medians of the warm runs of one variant, and its cold first run. */
    record Summary(Variant variant, Run cold, double readyMs, double firstRequestMs, double exitMs, long bannerMs,
            long maxRssKiB, int runs, String load) {
    }

    private StartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : "distribution/target/syshotplug");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path work = Path.of(args.length > 2 ? args[2] : "benchmarks/target/startup");
        List<Summary> all = probe(home, runs, work);
        print(all);
    }

    static List<Variant> variants(Path work) {
        Path jsa = work.resolve("syshotplug-appcds.jsa").toAbsolutePath();
        return List.of(
                new Variant("(java -Xmx32m -version)", "-Xmx32m", null, true, false),
                new Variant("default heap", "", null),
                new Variant("-Xmx32m", "-Xmx32m", null),
                new Variant("-Xmx32m -Xshare:off", "-Xmx32m -Xshare:off", null),
                new Variant("-Xmx32m SerialGC", "-Xmx32m -XX:+UseSerialGC", null),
                new Variant("-Xmx32m C1 only", "-Xmx32m -XX:TieredStopAtLevel=1", null),
                new Variant("-Xmx32m C1 SerialGC", "-Xmx32m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC", null),
                new Variant("-Xmx32m C1 SerialGC AppCDS",
                        "-Xmx32m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:SharedArchiveFile=" + jsa, jsa),
                new Variant("as shipped", "", null),
                new Variant("as shipped -Xmx32m", "-Xmx32m", null),
                new Variant("shell -Xmx32m", "-Xmx32m", null, false, true),
                new Variant("as shipped shell -Xmx32m", "-Xmx32m", null, false, true));
    }

    static List<Summary> probe(Path home, int runs, Path work) throws Exception {
        Path launcher = home.resolve("bin/syshotplug");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " is missing: build the distribution first"
                    + " (mvn -q -B -o -pl distribution -am install -DskipTests)");
        }
        Files.createDirectories(work);
        List<Summary> out = new ArrayList<>();
        for (Variant v : variants(work)) {
            Path data = Files.createTempDirectory(work, "data-");
            if (v.archive() != null) {
                Files.deleteIfExists(v.archive());
                String train = v.javaOpts().replace("-XX:SharedArchiveFile=", "-XX:ArchiveClassesAtExit=");
                Run r = once(command(launcher, v, data), v, train, work);
                if (r.status() != 0 || !Files.exists(v.archive())) {
                    throw new IllegalStateException("training the CDS archive failed (exit " + r.status() + ")");
                }
            }
            String load = LiveCpuCycle.loadAverage();
            Run cold = v.shell() ? shell(launcher, v, data, work) : once(command(launcher, v, data), v, v.javaOpts(), work);
            List<Run> warm = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                warm.add(v.shell() ? shell(launcher, v, data, work) : once(command(launcher, v, data), v, v.javaOpts(), work));
            }
            for (Run r : warm) {
                if (r.status() != 0) {
                    throw new IllegalStateException(v.name() + ": syshotplug -c '" + COMMAND + "' exited " + r.status());
                }
            }
            out.add(new Summary(v, cold,
                    Stats.median(warm.stream().mapToDouble(Run::readyMs).toArray()),
                    Stats.median(warm.stream().mapToDouble(Run::firstRequestMs).toArray()),
                    Stats.median(warm.stream().mapToDouble(Run::exitMs).toArray()),
                    Stats.median(warm.stream().mapToLong(Run::bannerMs).toArray()),
                    Stats.median(warm.stream().mapToLong(Run::maxRssKiB).toArray()),
                    warm.size(), load));
        }
        return out;
    }

    static List<String> command(Path launcher, Variant v, Path data) {
        if (v.bareJvm()) {
            List<String> c = new ArrayList<>(List.of("java"));
            c.addAll(List.of(v.javaOpts().split(" ")));
            c.add("-version");
            return c;
        }
        return List.of(launcher.toAbsolutePath().toString(), "--data", data.toAbsolutePath().toString(), "-c", COMMAND);
    }

    static Run once(List<String> command, Variant v, String javaOpts, Path work) throws Exception {
        Path timeFile = Files.createTempFile(work, "time-", ".txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeFile.toString()));
        timed.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(timed);
        environment(pb, v, javaOpts);
        long t0 = System.nanoTime();
        Process p = pb.start();
        long[] ready = {-1};
        long[] banner = {-1};
        Thread errReader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = READY.matcher(line);
                    if (m.find() && ready[0] < 0) {
                        ready[0] = System.nanoTime();
                        banner[0] = Long.parseLong(m.group(1));
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "startup-stderr");
        errReader.start();
        long first = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (first < 0 && !line.isBlank()) {
                    first = System.nanoTime();
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("syshotplug did not exit within 120 s");
        }
        long end = System.nanoTime();
        errReader.join(5_000);
        String time = Files.readString(timeFile);
        Files.deleteIfExists(timeFile);
        Matcher rss = MAX_RSS.matcher(time);
        long rssKiB = rss.find() ? Long.parseLong(rss.group(1)) : -1;
        return new Run(ms(ready[0], t0), ms(first, t0), (end - t0) / 1e6, banner[0], rssKiB, p.exitValue());
    }

    /**
     * The interactive console: READY is when the Gogo prompt {@code "g! "} appears on stdout; then
     * {@code stop 0} is typed, which stops the framework and ends the process (EXIT).
     */
    static Run shell(Path launcher, Variant v, Path data, Path work) throws Exception {
        Path timeFile = Files.createTempFile(work, "time-", ".txt");
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/time", "-v", "-o", timeFile.toString(),
                launcher.toAbsolutePath().toString(), "--data", data.toAbsolutePath().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        environment(pb, v, v.javaOpts());
        long t0 = System.nanoTime();
        Process p = pb.start();
        long prompt = -1;
        StringBuilder seen = new StringBuilder();
        try (var stdout = new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8);
                var stdin = p.getOutputStream()) {
            int c;
            while ((c = stdout.read()) >= 0) {
                seen.append((char) c);
                if (prompt < 0 && seen.toString().endsWith("g! ")) {
                    prompt = System.nanoTime();
                    stdin.write("stop 0\n".getBytes(StandardCharsets.US_ASCII));
                    stdin.flush();
                }
                if (seen.length() > 4096) {
                    seen.delete(0, 2048);
                }
            }
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the SysHotplug shell did not stop within 60 s after 'stop 0'");
        }
        long end = System.nanoTime();
        String time = Files.readString(timeFile);
        Files.deleteIfExists(timeFile);
        Matcher rss = MAX_RSS.matcher(time);
        return new Run(ms(prompt, t0), Double.NaN, (end - t0) / 1e6, -1, rss.find() ? Long.parseLong(rss.group(1)) : -1,
                p.exitValue());
    }

    private static void environment(ProcessBuilder pb, Variant v, String javaOpts) {
        pb.environment().put("JAVA_OPTS", javaOpts);
        if (v.shipped()) {
            pb.environment().remove("SYSHOTPLUG_JVM");
        } else {
            pb.environment().put("SYSHOTPLUG_JVM", "");
        }
    }

    private static double ms(long at, long t0) {
        return at < 0 ? Double.NaN : (at - t0) / 1e6;
    }

    static void print(List<Summary> all) {
        lines(all).forEach(System.out::println);
    }

    /** The start-up table; READY and 1ST REQ are measured here, from spawn, not taken from the banner. */
    static List<String> lines(List<Summary> all) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "START-UP bin/syshotplug -c '%s', median of %d warm runs each, ms from spawn",
                COMMAND, all.isEmpty() ? 0 : all.get(0).runs()));
        out.add(String.format(Locale.ROOT, "  %-28s %8s %8s %8s %10s %10s  %s", "JVM FLAGS", "READY",
                "1ST REQ", "EXIT", "PEAK RSS", "COLD READY", "LOAD"));
        for (Summary s : all) {
            out.add(String.format(Locale.ROOT, "  %-28s %8.0f %8.0f %8.0f %6.1f MiB %10.0f  %s", s.variant().name(),
                    s.readyMs(), s.firstRequestMs(), s.exitMs(), s.maxRssKiB() / 1024.0, s.cold().readyMs(), s.load()));
        }
        return out;
    }
}
