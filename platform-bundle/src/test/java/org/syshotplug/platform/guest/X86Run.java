package org.syshotplug.platform.guest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.platform.sim.QemuMonitor;
import org.syshotplug.platform.testing.X86State;

/**
 * Runs an {@link X86Plan} on one machine, the real guest or the simulator, and keeps what each
 * step gave: the outcome of every command, the {@code _OST} reports, the hot-plug kernel messages
 * and the {@link X86State}. Also the text form of a run, so a live run can be recorded and
 * replayed where QEMU cannot be had.
 */
final class X86Run {

    /** The machine a plan runs on. */
    interface Target {
        SystemFiles files();

        QemuMonitor monitor();

        /**
         * Waits, at most {@code timeout}, until the kernel's hot-plug work has reported an {@code _OST}
         * containing {@code ostText} (null: until queued hot-plug work is done, where the machine can tell).
         * The reports stay for {@link QemuMonitor#takeOstReports()}.
         */
        void settle(String ostText, Duration timeout) throws InterruptedException;
    }

    /** What one step gave. */
    record StepResult(String name, List<String> results, List<String> ost, List<String> kmsg,
            SortedMap<String, String> state) {
    }

    /** The kernel messages of CPU and memory hot-plug; the rest (page dumps, SMP boot chatter) varies run to run. */
    static final List<Pattern> HOTPLUG_MESSAGES = List.of(
            Pattern.compile("CPU[0-9]+ has been hot-added"),
            Pattern.compile("smpboot: CPU [0-9]+ is now offline"),
            Pattern.compile("acpi [A-Z0-9]+:[0-9a-f]+: Eject disabled"),
            Pattern.compile("memory memory[0-9]+: Offline failed\\."),
            Pattern.compile("ACPI: Enabling force_remove is not supported anymore.*"));

    private static final Duration OST_WAIT = Duration.ofSeconds(30);

    private X86Run() {
    }

    static List<StepResult> run(X86Plan plan, Target target) throws Exception {
        List<StepResult> out = new ArrayList<>();
        target.monitor().takeKernelLog();
        for (X86Plan.Step step : plan.steps()) {
            List<String> results = new ArrayList<>();
            List<String> ost = new ArrayList<>();
            for (X86Plan.Command c : step.commands()) {
                results.add(c + " -> " + execute(c, target, ost));
            }
            target.settle(null, OST_WAIT);
            ost.addAll(target.monitor().takeOstReports());
            List<String> kmsg = target.monitor().takeKernelLog().stream().map(String::strip)
                    .filter(l -> HOTPLUG_MESSAGES.stream().anyMatch(p -> p.matcher(l).matches())).toList();
            out.add(new StepResult(step.name(), results, ost, kmsg, X86State.read(target.files())));
        }
        return out;
    }

    private static String execute(X86Plan.Command c, Target target, List<String> ost) throws Exception {
        switch (c.verb()) {
            case "hmp" -> {
                String printed = target.monitor().hmp(c.argument()).strip();
                return printed.isEmpty() ? "ok" : printed;
            }
            case "write" -> {
                return write(target.files(), c.argument(), c.value());
            }
            case "await-ost" -> {
                target.settle(c.argument(), OST_WAIT);
                ost.addAll(target.monitor().takeOstReports());
                return ost.stream().anyMatch(r -> r.contains(c.argument())) ? "seen"
                        : "NOT SEEN within " + OST_WAIT.toSeconds() + " s";
            }
            case "probe-offline" -> {
                String[] range = c.argument().split("-");
                List<String> probes = new ArrayList<>();
                for (int b = Integer.parseInt(range[0]); b <= Integer.parseInt(range[1]); b++) {
                    String state = KernelPaths.memoryBlock(b, "state");
                    if (!target.files().exists(state) || !target.files().readValue(state).equals("online")) {
                        continue;
                    }
                    String offline = write(target.files(), state, "offline");
                    probes.add("memory" + b + " offline=" + offline
                            + (offline.equals("ok") ? " online=" + write(target.files(), state, "online") : ""));
                }
                return String.join("; ", probes);
            }
            default -> throw new IllegalArgumentException(c.verb());
        }
    }

    private static String write(SystemFiles files, String path, String value) {
        try {
            files.write(path, value);
            return "ok";
        } catch (SystemFileException e) {
            return String.valueOf(e.errno());
        }
    }

    // ---- the recorded form: STEP/RESULT/OST/KMSG lines, STATE and GONE lines for what changed

    static String format(List<StepResult> run) {
        StringBuilder b = new StringBuilder();
        SortedMap<String, String> previous = new TreeMap<>();
        for (StepResult r : run) {
            b.append("STEP ").append(r.name()).append('\n');
            r.results().forEach(x -> b.append("RESULT ").append(x).append('\n'));
            r.ost().forEach(x -> b.append("OST ").append(x).append('\n'));
            r.kmsg().forEach(x -> b.append("KMSG ").append(x).append('\n'));
            for (Map.Entry<String, String> e : r.state().entrySet()) {
                if (!Objects.equals(previous.get(e.getKey()), e.getValue())) {
                    b.append("STATE ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
                }
            }
            for (String gone : previous.keySet()) {
                if (!r.state().containsKey(gone)) {
                    b.append("GONE ").append(gone).append('\n');
                }
            }
            previous = r.state();
        }
        return b.toString();
    }

    static List<StepResult> parse(byte[] recorded) {
        List<StepResult> run = new ArrayList<>();
        SortedMap<String, String> state = new TreeMap<>();
        String name = null;
        List<String> results = null;
        List<String> ost = null;
        List<String> kmsg = null;
        for (String line : new String(recorded, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split(" ", 2);
            String rest = kv.length > 1 ? kv[1] : "";
            switch (kv[0]) {
                case "STEP" -> {
                    if (name != null) {
                        run.add(new StepResult(name, results, ost, kmsg, new TreeMap<>(state)));
                    }
                    name = rest;
                    results = new ArrayList<>();
                    ost = new ArrayList<>();
                    kmsg = new ArrayList<>();
                }
                case "RESULT" -> results.add(rest);
                case "OST" -> ost.add(rest);
                case "KMSG" -> kmsg.add(rest);
                case "STATE" -> {
                    int eq = rest.indexOf('=');
                    state.put(rest.substring(0, eq), rest.substring(eq + 1));
                }
                case "GONE" -> state.remove(rest);
                default -> throw new IllegalArgumentException("unknown line in a recorded run: " + line);
            }
        }
        if (name != null) {
            run.add(new StepResult(name, results, ost, kmsg, new TreeMap<>(state)));
        }
        return run;
    }

    // ---- comparison

    /** One compared item: a command's outcome, the step's _OST reports or kernel messages, or one state key. */
    record Row(int step, String stepName, String item, String kernel, String simulator) {
        boolean same() {
            return Objects.equals(kernel, simulator);
        }
    }

    static List<Row> compare(List<StepResult> kernel, List<StepResult> simulator) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(kernel.size(), simulator.size()); i++) {
            StepResult k = i < kernel.size() ? kernel.get(i) : null;
            StepResult s = i < simulator.size() ? simulator.get(i) : null;
            String name = k != null ? k.name() : s.name();
            if (k == null || s == null || !k.name().equals(s.name())) {
                rows.add(new Row(i + 1, name, "step", k == null ? "-" : k.name(), s == null ? "-" : s.name()));
                continue;
            }
            int n = Math.max(k.results().size(), s.results().size());
            for (int j = 0; j < n; j++) {
                String kr = j < k.results().size() ? k.results().get(j) : "-";
                String sr = j < s.results().size() ? s.results().get(j) : "-";
                rows.add(new Row(i + 1, name, "result " + (j + 1), kr, sr));
            }
            rows.add(new Row(i + 1, name, "_OST", String.join(" | ", k.ost()), String.join(" | ", s.ost())));
            rows.add(new Row(i + 1, name, "dmesg", String.join(" | ", k.kmsg()), String.join(" | ", s.kmsg())));
            Map<String, String> keys = new LinkedHashMap<>();
            k.state().keySet().forEach(x -> keys.put(x, x));
            s.state().keySet().forEach(x -> keys.put(x, x));
            for (String key : new TreeMap<>(keys).keySet()) {
                rows.add(new Row(i + 1, name, key, k.state().getOrDefault(key, "(none)"),
                        s.state().getOrDefault(key, "(none)")));
            }
        }
        return rows;
    }

    /** The table written next to the test's output: one line per step with the differences spelled out. */
    static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        int step = -1;
        int items = 0;
        List<Row> different = new ArrayList<>();
        for (int i = 0; i <= rows.size(); i++) {
            Row r = i < rows.size() ? rows.get(i) : null;
            if (r == null || r.step() != step) {
                if (step >= 0) {
                    Row first = rows.get(i - 1);
                    b.append(String.format("%3d %-34s %4d items  %s%n", step, first.stepName(), items,
                            different.isEmpty() ? "same" : different.size() + " DIFFERENT"));
                    for (Row d : different) {
                        b.append("      ").append(d.item()).append("\n        kernel:    ").append(d.kernel())
                                .append("\n        simulator: ").append(d.simulator()).append('\n');
                    }
                }
                if (r == null) {
                    break;
                }
                step = r.step();
                items = 0;
                different = new ArrayList<>();
            }
            items++;
            if (!r.same()) {
                different.add(r);
            }
        }
        return b.toString();
    }
}
