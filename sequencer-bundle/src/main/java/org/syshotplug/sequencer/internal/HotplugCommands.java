package org.syshotplug.sequencer.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.shell.CommandHelp;
import org.syshotplug.shell.DeviceRanges;
import org.syshotplug.shell.Principals;
import org.syshotplug.shell.RequestRunner;
import org.syshotplug.shell.ResultView;
import org.syshotplug.shell.Table;

/**
 * The generic hot-plug commands of the Gogo shell, scope {@code hotplug}. Thin: parse, call
 * {@link HotplugService}, format. Every list takes util-linux's {@code -J} (JSON), {@code -r}
 * (raw) and {@code -n} (no headings); every command takes {@code -h/--help}.
 */
@Component(service = HotplugCommands.class, property = {
    "osgi.command.scope=hotplug",
    "osgi.command.function=add",
    "osgi.command.function=remove",
    "osgi.command.function=online",
    "osgi.command.function=offline",
    "osgi.command.function=requests",
    "osgi.command.function=history",
    "osgi.command.function=handlers",
    "osgi.command.function=cancel",
    "osgi.command.function=devices",
    "osgi.command.function=help",
    "osgi.command.function=completions"
})
public class HotplugCommands {

    static final String SCOPE = "hotplug";
    /** How far back {@code hotplug:history} looks when it filters or looks up an id. */
    private static final int HISTORY_SEARCH = 100_000;

    @Reference
    HotplugService service;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<DeviceInventory> inventories;

    /** Where progress lines go while a request runs; the session's output when null. */
    PrintStream progressOut;

    /** For {@code hotplug:help}: every command service of the framework; null in unit tests. */
    private volatile BundleContext context;

    public HotplugCommands() {
    }

    HotplugCommands(HotplugService service, List<DeviceInventory> inventories, PrintStream progressOut) {
        this.service = service;
        this.inventories = inventories;
        this.progressOut = progressOut;
    }

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    // ------------------------------------------------------------------ requests

    @Descriptor("hot-add devices (firmware, then OS), e.g. hotplug:add cpu:3 memory:100-131")
    public String add(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("skip overridable vetoes (honoured for remove and offline only)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes (recorded as DRY_RUN)")
            @Parameter(names = {"--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas (count=2,zone=movable)")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print the steps table after the result line")
            @Parameter(names = {"-v", "--verbose"}, presentValue = "true", absentValue = "false") boolean verbose,
            @Descriptor("devices as type:id or type:first-last, e.g. cpu:3 memory:100-131 acpi:ACPI0004:00")
            String... targets) {
        return help ? help("add") : run(Operation.ADD, force, dryRun, params, quiet, json, verbose, targets);
    }

    @Descriptor("hot-remove devices (OS, then firmware), e.g. hotplug:remove cpu:3")
    public String remove(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("skip overridable vetoes (policy, not physics)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes (recorded as DRY_RUN)")
            @Parameter(names = {"--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print the steps table after the result line")
            @Parameter(names = {"-v", "--verbose"}, presentValue = "true", absentValue = "false") boolean verbose,
            @Descriptor("devices as type:id or type:first-last, e.g. cpu:3 memory:100-131")
            String... targets) {
        return help ? help("remove") : run(Operation.REMOVE, force, dryRun, params, quiet, json, verbose, targets);
    }

    @Descriptor("bring devices online, e.g. hotplug:online --param zone=movable cpu:1-3 memory:100-131")
    public String online(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("skip overridable vetoes (honoured for remove and offline only)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes (recorded as DRY_RUN)")
            @Parameter(names = {"--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print the steps table after the result line")
            @Parameter(names = {"-v", "--verbose"}, presentValue = "true", absentValue = "false") boolean verbose,
            @Descriptor("devices as type:id or type:first-last, e.g. cpu:1-3 memory:100-131")
            String... targets) {
        return help ? help("online") : run(Operation.ONLINE, force, dryRun, params, quiet, json, verbose, targets);
    }

    @Descriptor("take devices offline, e.g. hotplug:offline cpu:1-3 memory:100-131")
    public String offline(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("skip overridable vetoes (policy, not physics)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes (recorded as DRY_RUN)")
            @Parameter(names = {"--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("no progress lines")
            @Parameter(names = {"-q", "--quiet"}, presentValue = "true", absentValue = "false") boolean quiet,
            @Descriptor("print the result, with its steps, as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("print the steps table after the result line")
            @Parameter(names = {"-v", "--verbose"}, presentValue = "true", absentValue = "false") boolean verbose,
            @Descriptor("devices as type:id or type:first-last, e.g. cpu:1-3 memory:100-131")
            String... targets) {
        return help ? help("offline") : run(Operation.OFFLINE, force, dryRun, params, quiet, json, verbose, targets);
    }

    private String run(Operation operation, boolean force, boolean dryRun, String params, boolean quiet, boolean json,
            boolean verbose, String[] targets) {
        HotplugRequest request = request(operation, force, dryRun, params, targets);
        // util-linux's chcpu says "CPU 1 is already disabled" instead of pretending to change it. A dry
        // run always asks the chain: it answers in queue order (after a restart's recovery, say) and
        // shows what the handlers would say, which is what a dry run is for.
        List<DeviceRef> already = dryRun ? List.of() : alreadyInState(operation, request.targets());
        String alreadyLine = already.isEmpty() ? "" : DeviceRanges.summarise(already) + (already.size() == 1 ? " is" : " are")
                + " already " + operation.word() + "\n";
        if (!already.isEmpty()) {
            List<DeviceRef> rest = new ArrayList<>(request.targets());
            rest.removeAll(already);
            if (rest.isEmpty()) {
                return json ? Json.write(Map.of("already", already.stream().map(DeviceRef::toString).toList()))
                        : alreadyLine.strip();
            }
            request = request.toBuilder().targets(rest).build();
        }
        HotplugResult result = RequestRunner.run(service, request, quiet || json ? null : progressLines());
        return show(result, json, verbose, alreadyLine);
    }

    private PrintStream progress() {
        return progressOut != null ? progressOut : System.out;
    }

    /** Progress goes to a test's stream, or to the session when someone is watching. */
    private PrintStream progressLines() {
        return progressOut != null ? progressOut : RequestRunner.whenInteractive(System.out);
    }

    /** The result once: JSON, or one line (and the steps with -v); a failure is thrown with its one sentence. */
    private String show(HotplugResult result, boolean json, boolean verbose, String prefix) {
        String text = json ? Json.write(ResultView.record(result))
                : prefix + ResultView.line(result) + (verbose ? "\n" + ResultView.steps(result).toString().stripTrailing() : "");
        if (!result.succeeded()) {
            if (json || verbose) {
                progress().println(text);
            }
            throw new RequestFailedException(result, ResultView.line(result));
        }
        return text;
    }

    /** Targets that an inventory says are in the state an online/offline would put them in. */
    private List<DeviceRef> alreadyInState(Operation operation, List<DeviceRef> targets) {
        if (operation != Operation.ONLINE && operation != Operation.OFFLINE) {
            return List.of();
        }
        List<DeviceInventory> all = inventories == null ? List.of() : List.copyOf(inventories);
        Set<String> types = targets.stream().map(DeviceRef::type).collect(Collectors.toSet());
        Map<DeviceRef, String> states = new TreeMap<>();
        for (DeviceInventory inventory : all) {
            if (types.contains(inventory.deviceType())) {
                try {
                    inventory.devices().forEach(d -> states.put(d.ref(), d.state()));
                } catch (RuntimeException e) {
                    // an inventory that cannot read now decides nothing; the handlers will see
                }
            }
        }
        return targets.stream().filter(t -> operation.word().equals(states.get(t))).toList();
    }

    static HotplugRequest request(Operation operation, boolean force, boolean dryRun, String params, String[] targets) {
        List<DeviceRef> devices = new ArrayList<>();
        StringBuilder allParams = new StringBuilder(params == null ? "" : params);
        String[] tokens = targets == null ? new String[0] : targets;
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            // Gogo binds a named option once; a repeated --param, or a bare key=value (never a valid
            // device id, which cannot hold '='), arrives among the targets.
            if ((token.equals("--param") || token.equals("-p")) && i + 1 < tokens.length) {
                allParams.append(',').append(tokens[++i]);
                continue;
            }
            if (token.contains("=")) {
                allParams.append(',').append(token);
                continue;
            }
            if (token.startsWith("-")) {
                throw new IllegalArgumentException("unknown option '" + printable(token) + "' for hotplug:"
                        + operation.word() + "; see hotplug:" + operation.word() + " --help");
            }
            for (String one : token.split(",")) {
                if (!one.isBlank()) {
                    devices.addAll(DeviceRanges.parse(one.trim()));
                }
            }
        }
        params = allParams.toString();
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("name at least one device, e.g. hotplug:" + operation.word()
                    + " cpu:3 memory:100-131");
        }
        HotplugRequest.Builder b = HotplugRequest.builder(operation).targets(devices)
                .force(force).dryRun(dryRun).origin("shell").principal(principal());
        if (params != null) {
            for (String pair : params.split(",")) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("invalid --param '" + printable(pair.trim())
                            + "': expected key=value, e.g. --param count=2 or --param size=2G,zone=movable");
                }
                b.parameter(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return b.build();
    }

    /** Who asked: the control socket's peer from the running command's session, else the local user. */
    static String principal() {
        CommandSession session = CommandSession.Utils.current();
        return Principals.of(session == null ? null : session.get(Principals.SESSION_VARIABLE));
    }

    // ------------------------------------------------------------------ inspection

    @Descriptor("the running request and the queued ones, in the order they will run")
    public String requests(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings) {
        if (help) {
            return help("requests");
        }
        Table t = new Table("id", "state", "phase", "operation", "devices", "origin", "principal", "submitted");
        for (RequestStatus s : service.requests()) {
            HotplugRequest r = s.request();
            t.row(r.id(), s.state().toString(), s.phase() == null ? null : s.phase().word(), r.operation().word(),
                    DeviceRanges.summarise(r.targets(), 60), r.origin(), r.principal(), ResultView.time(s.submitted()));
        }
        if (json) {
            return Json.write(Map.of("requests", t.records()));
        }
        return t.isEmpty() && !raw ? "no request is running or queued" : t.render(raw, noHeadings);
    }

    @Descriptor("finished requests, newest last (20 unless -c); with a request id, that request and its steps")
    public String history(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading line")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings,
            @Descriptor("how many of the newest matching requests (default 20)")
            @Parameter(names = {"-c", "--count"}, absentValue = "20") int count,
            @Descriptor("only requests on this device or range, e.g. cpu:1 or memory:100-131")
            @Parameter(names = {"-d", "--device"}, absentValue = "") String device,
            @Descriptor("only these outcomes, comma-separated, e.g. ROLLED_BACK,REJECTED")
            @Parameter(names = {"-o", "--outcome"}, absentValue = "") String outcome,
            @Descriptor("only requests started at or after: 2026-12-01, 2026-12-01T10:00, an ISO instant, or an age like 2h or 3d")
            @Parameter(names = {"-s", "--since"}, absentValue = "") String since,
            @Descriptor("only requests started before (same forms as --since)")
            @Parameter(names = {"-u", "--until"}, absentValue = "") String until,
            @Descriptor("a request id (its steps), or a count as in older releases")
            String... args) {
        if (help) {
            return help("history");
        }
        if (args.length > 1) {
            throw new IllegalArgumentException("hotplug:history takes at most one request id; see hotplug:history --help");
        }
        if (args.length == 1) {
            HotplugResult one = find(args[0]);
            if (one != null) {
                return json ? Json.write(ResultView.record(one)) : details(one, raw, noHeadings);
            }
            if (!args[0].matches("[0-9]{1,6}")) {
                throw new IllegalArgumentException("no finished request with id '" + printable(args[0])
                        + "' in the history; see hotplug:history for the ids");
            }
            count = Integer.parseInt(args[0]);
        }
        if (count < 1) {
            throw new IllegalArgumentException("history needs a positive count, not " + count);
        }
        List<DeviceRef> onDevices = device.isEmpty() ? List.of() : DeviceRanges.parse(device);
        Set<Outcome> outcomes = outcomes(outcome);
        Instant from = since.isEmpty() ? null : instant(since, "--since");
        Instant to = until.isEmpty() ? null : instant(until, "--until");
        boolean filtered = !onDevices.isEmpty() || !outcomes.isEmpty() || from != null || to != null;
        List<HotplugResult> results = service.history(filtered ? HISTORY_SEARCH : count).stream()
                .filter(r -> onDevices.isEmpty() || ResultView.devices(r).stream().anyMatch(onDevices::contains)
                        || r.request().targets().stream().anyMatch(onDevices::contains))
                .filter(r -> outcomes.isEmpty() || outcomes.contains(r.outcome()))
                .filter(r -> from == null || !r.started().isBefore(from))
                .filter(r -> to == null || r.started().isBefore(to))
                .toList();
        if (results.size() > count) {
            results = results.subList(results.size() - count, results.size());
        }
        if (json) {
            return Json.write(Map.of("history", results.stream().map(ResultView::record).toList()));
        }
        if (results.isEmpty() && !raw) {
            return filtered ? "no finished request matches" : "no request has finished yet";
        }
        Table t = new Table("id", "outcome", "operation", "devices", "machine", "origin", "principal", "started", "ms",
                "error").right(8);
        for (HotplugResult r : results) {
            t.row(r.requestId(), r.outcome().name(), r.request().operation().word(),
                    DeviceRanges.summarise(ResultView.devices(r), 40), r.machine(), r.request().origin(),
                    r.request().principal(), ResultView.time(r.started()), ResultView.millis(r),
                    r.error() == null ? null : r.error().toString());
        }
        return t.render(raw, noHeadings);
    }

    private HotplugResult find(String id) {
        List<HotplugResult> all = service.history(HISTORY_SEARCH);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).requestId().equals(id)) {
                return all.get(i);
            }
        }
        return null;
    }

    private static String details(HotplugResult r, boolean raw, boolean noHeadings) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> record = ResultView.record(r);
        for (String key : List.of("id", "outcome", "operation", "devices", "dry-run", "force", "parameters", "machine",
                "origin", "principal", "started", "finished", "ms")) {
            b.append(String.format("%-11s %s%n", key + ":", record.get(key)));
        }
        if (r.error() != null) {
            b.append(String.format("%-11s %s%n", "error:", r.error()));
        }
        Table steps = ResultView.steps(r);
        return b.append('\n').append(steps.isEmpty() ? "(no step ran)\n" : steps.render(raw, noHeadings)).toString();
    }

    private static Set<Outcome> outcomes(String text) {
        Set<Outcome> out = new LinkedHashSet<>();
        if (text.isBlank()) {
            return out;
        }
        for (String word : text.split(",")) {
            try {
                out.add(Outcome.valueOf(word.strip().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown outcome '" + printable(word.strip()) + "': expected one of "
                        + java.util.Arrays.stream(Outcome.values()).map(Enum::name).collect(Collectors.joining(", ")), e);
            }
        }
        return out;
    }

    /** An ISO date, local date-time, offset date-time or instant, or an age such as 90m, 2h, 3d. */
    static Instant instant(String text, String option) {
        String t = text.strip();
        try {
            if (t.matches("[0-9]{1,6}[smhd]")) {
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                Duration age = switch (t.charAt(t.length() - 1)) {
                    case 's' -> Duration.ofSeconds(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
                return Instant.now().minus(age);
            }
            if (t.matches("[0-9]{4}-[0-9]{2}-[0-9]{2}")) {
                return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
            }
            if (t.endsWith("Z") || t.matches(".*[+-][0-9]{2}:[0-9]{2}$")) {
                return OffsetDateTime.parse(t).toInstant();
            }
            return LocalDateTime.parse(t).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("invalid " + option + " '" + printable(t) + "': expected 2026-12-01,"
                    + " 2026-12-01T10:00, 2026-12-01T10:00:00Z or an age such as 90m, 2h, 3d", e);
        }
    }

    @Descriptor("the live handler chain of each operation, in the order its steps run")
    public String handlers() {
        List<HandlerInfo> all = service.handlers();
        if (all.isEmpty()) {
            return "no handler is registered";
        }
        StringBuilder b = new StringBuilder();
        for (Operation op : Operation.values()) {
            Table t = new Table("phase", "priority", "handler", "bundle", "devices", "calls", "failures", "stuck",
                    "quarantine");
            for (HandlerInfo h : chain(all, op)) {
                t.row(h.phase().word(), h.priority(), h.name(), h.bundle(),
                        h.devices().isEmpty() ? "all" : String.join(",", h.devices()), h.calls(), h.failures(),
                        h.stuckThreads(), h.quarantine() == null ? "" : h.quarantine());
            }
            b.append(op.word()).append(":\n");
            b.append(t.isEmpty() ? "  (no handler)\n" : t.toString());
        }
        return b.toString();
    }

    /** The run order of one operation: validate ascending, execute and commit mirrored for tear-down. */
    static List<HandlerInfo> chain(List<HandlerInfo> all, Operation op) {
        Comparator<HandlerInfo> ties = Comparator.comparingInt(HandlerInfo::ranking).reversed()
                .thenComparingLong(HandlerInfo::serviceId);
        List<HandlerInfo> out = new ArrayList<>();
        for (Phase phase : new Phase[] {Phase.VALIDATE, Phase.EXECUTE, Phase.COMMIT}) {
            boolean ascending = phase == Phase.VALIDATE || op.isBringUp();
            Comparator<HandlerInfo> byPriority = Comparator.comparingInt(HandlerInfo::priority);
            all.stream().filter(h -> h.phase() == phase && h.operations().contains(op))
                    .sorted((ascending ? byPriority : byPriority.reversed()).thenComparing(ties))
                    .forEach(out::add);
        }
        return out;
    }

    @Descriptor("cancel a queued request (a running one is never interrupted)")
    public String cancel(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("request id, as hotplug:requests shows it") String... ids) {
        if (help) {
            return help("cancel");
        }
        if (ids.length != 1) {
            throw new IllegalArgumentException("name one request id, as hotplug:requests shows it");
        }
        String id = ids[0];
        if (!service.cancel(id)) {
            throw new IllegalArgumentException("request " + printable(id) + " is not queued: it has finished, is running"
                    + " (running requests are never interrupted) or never existed; see hotplug:requests");
        }
        return "request " + id + " cancelled";
    }

    @Descriptor("devices of every type, or of the types named, as the inventories see them now")
    public Object devices(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("only the device ids, as a list (what the console completes)")
            @Parameter(names = {"-i", "--ids"}, presentValue = "true", absentValue = "false") boolean ids,
            @Descriptor("print as JSON")
            @Parameter(names = {"-J", "--json"}, presentValue = "true", absentValue = "false") boolean json,
            @Descriptor("raw output: one space between cells")
            @Parameter(names = {"-r", "--raw"}, presentValue = "true", absentValue = "false") boolean raw,
            @Descriptor("no heading lines")
            @Parameter(names = {"-n", "--noheadings"}, presentValue = "true", absentValue = "false") boolean noHeadings,
            @Descriptor("type: cpu, memory, ... (all when none is named)") String... types) {
        if (help) {
            return help("devices");
        }
        List<DeviceInventory> all = inventories == null ? List.of() : List.copyOf(inventories);
        Set<String> wanted = Set.of(types);
        List<DeviceInventory> chosen = all.stream()
                .filter(i -> wanted.isEmpty() || wanted.contains(i.deviceType()))
                .sorted(Comparator.comparing(DeviceInventory::deviceType)).toList();
        Set<String> known = all.stream().map(DeviceInventory::deviceType).collect(Collectors.toCollection(java.util.TreeSet::new));
        for (String type : types) {
            if (!known.contains(type)) {
                throw new IllegalArgumentException(all.isEmpty() ? "no device inventory is registered (install the cpu"
                        + " or memory bundle)" : "no inventory for device type '" + printable(type) + "'; known types: "
                        + String.join(", ", known));
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no device inventory is registered (install the cpu or memory bundle)");
        }
        if (ids) {
            List<String> out = new ArrayList<>();
            chosen.forEach(i -> i.devices().forEach(d -> out.add(d.ref().toString())));
            return out;
        }
        Map<String, Object> jsonOut = new LinkedHashMap<>();
        StringBuilder b = new StringBuilder();
        for (DeviceInventory inventory : chosen) {
            List<DeviceInfo> devices = inventory.devices();
            Set<String> columns = new LinkedHashSet<>();
            devices.forEach(d -> columns.addAll(d.attributes().keySet()));
            List<String> headers = new ArrayList<>(List.of("device", "state"));
            headers.addAll(columns);
            Table t = new Table(headers);
            for (DeviceInfo d : devices) {
                List<Object> cells = new ArrayList<>(List.of(d.ref().toString(), d.state()));
                columns.forEach(c -> cells.add(d.attributes().get(c)));
                t.row(cells);
            }
            jsonOut.put(inventory.deviceType(), t.records());
            if (chosen.size() > 1 && !raw && !noHeadings) {
                b.append(inventory.deviceType()).append(":\n");
            }
            b.append(devices.isEmpty() && !raw ? "  (no " + inventory.deviceType() + " device)\n" : t.render(raw, noHeadings));
        }
        return json ? Json.write(jsonOut) : b.toString();
    }

    @Descriptor("the commands with one line each, or the full help of one command (the same text as its --help)")
    public String help(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help,
            @Descriptor("command, e.g. hotplug:offline or offline (all when none is named)") String... command) {
        if (help) {
            return help("help");
        }
        Map<String, Class<?>> commands = commands();
        if (command.length == 0) {
            Table t = new Table("command", "description");
            commands.forEach((name, type) -> t.row(name, CommandHelp.summary(type, name.substring(name.indexOf(':') + 1))));
            return t.render(false, true) + "\nhelp <command> or <command> --help shows a command's options.";
        }
        List<String> out = new ArrayList<>();
        for (String name : command) {
            String full = name.contains(":") ? name : commands.keySet().stream()
                    .filter(n -> n.endsWith(":" + name)).findFirst().orElse(name);
            Class<?> type = commands.get(full);
            if (type == null) {
                throw new IllegalArgumentException("no command '" + printable(name) + "'; help lists them all");
            }
            int colon = full.indexOf(':');
            out.add(CommandHelp.render(type, full.substring(0, colon), full.substring(colon + 1)));
        }
        return String.join("\n", out).stripTrailing();
    }

    @Descriptor("the console's completion specs: one Gogo 'complete' line per command and option, from the descriptors")
    public List<String> completions(
            @Descriptor("show this help and exit")
            @Parameter(names = {"-h", "--help"}, presentValue = "true", absentValue = "false") boolean help) {
        if (help) {
            return List.of(help("completions"));
        }
        List<String> lines = new ArrayList<>();
        commands().forEach((name, type) -> {
            if (!name.startsWith(SCOPE + ":")) {
                return;
            }
            String function = name.substring(SCOPE.length() + 1);
            lines.add("complete -c " + name + " -e");
            lines.add("complete -c " + name + " -d " + quoted(CommandHelp.summary(type, function)));
            for (CommandHelp.Option o : CommandHelp.options(type, function)) {
                StringBuilder b = new StringBuilder("complete -c ").append(name);
                for (String n : o.names()) {
                    b.append(n.startsWith("--") ? " -l " + n.substring(2) : " -s " + n.substring(1));
                }
                lines.add(b.append(" --description ").append(quoted(o.description())).toString());
            }
            if (List.of("add", "remove", "online", "offline").contains(function)) {
                lines.add("complete -c " + name + " -a 'hotplug:devices --ids'");
            }
        });
        return lines;
    }

    /** A Gogo single-quoted word: it has no escapes, so a quote inside becomes a typographic one. */
    private static String quoted(String text) {
        return "'" + text.replace('\'', '\u2019').replaceAll("\\p{Cc}", " ") + "'";
    }

    private String help(String function) {
        return CommandHelp.render(HotplugCommands.class, SCOPE, function).stripTrailing();
    }

    /** Every Gogo command of the framework, scope:function to its class, sorted (hotplug first). */
    private Map<String, Class<?>> commands() {
        Map<String, Class<?>> out = new TreeMap<>(Comparator.comparing((String n) -> !n.startsWith(SCOPE + ":"))
                .thenComparing(Comparator.naturalOrder()));
        BundleContext ctx = context;
        if (ctx == null) {
            for (String f : new String[] {"add", "remove", "online", "offline", "requests", "history", "handlers",
                "cancel", "devices", "help", "completions"}) {
                out.put(SCOPE + ":" + f, HotplugCommands.class);
            }
            return out;
        }
        ServiceReference<?>[] refs;
        try {
            refs = ctx.getAllServiceReferences(null, "(osgi.command.scope=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            Object scope = ref.getProperty("osgi.command.scope");
            Object functions = ref.getProperty("osgi.command.function");
            Object target = ctx.getService(ref);
            if (target == null) {
                continue;
            }
            try {
                List<String> names = functions instanceof String[] many ? List.of(many)
                        : functions == null ? List.of() : List.of(functions.toString());
                for (String f : names) {
                    out.put(scope + ":" + f, target.getClass());
                }
            } finally {
                ctx.ungetService(ref);
            }
        }
        return out;
    }

    /** Shell input shown in an error: control characters as '?', at most 80 characters. */
    static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cc}", "?");
    }
}
