package org.syshotplug.sequencer.internal;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.api.Progress;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.api.StepRecord;

/**
 * The generic hot-plug commands of the Gogo shell, scope {@code hotplug}. Thin: parse, call
 * {@link HotplugService}, format.
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
    "osgi.command.function=devices"
})
public class HotplugCommands {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final Object DONE = new Object();

    @Reference
    HotplugService service;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile List<DeviceInventory> inventories;

    /** Where progress lines go while a request runs; the session's output when null. */
    PrintStream progressOut;

    public HotplugCommands() {
    }

    HotplugCommands(HotplugService service, List<DeviceInventory> inventories, PrintStream progressOut) {
        this.service = service;
        this.inventories = inventories;
        this.progressOut = progressOut;
    }

    // ------------------------------------------------------------------ requests

    @Descriptor("hot-add devices (firmware, then OS): hotplug:add [--dry-run] [--param key=value] cpu:3 memory:12")
    public String add(
            @Descriptor("skip overridable vetoes (honoured for remove and offline only)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas (count=2,zone=movable)")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("devices as type:id, e.g. cpu:3 memory:12 acpi:ACPI0004:00 (or one comma-separated list)")
            String... targets) {
        return run(Operation.ADD, force, dryRun, params, targets);
    }

    @Descriptor("hot-remove devices (OS, then firmware): hotplug:remove [--force] [--dry-run] cpu:3")
    public String remove(
            @Descriptor("skip overridable vetoes (policy, not physics)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("devices as type:id, e.g. cpu:3 memory:12")
            String... targets) {
        return run(Operation.REMOVE, force, dryRun, params, targets);
    }

    @Descriptor("bring devices online: hotplug:online [--dry-run] [--param zone=movable] cpu:3 memory:12")
    public String online(
            @Descriptor("skip overridable vetoes (honoured for remove and offline only)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("devices as type:id, e.g. cpu:3 memory:12")
            String... targets) {
        return run(Operation.ONLINE, force, dryRun, params, targets);
    }

    @Descriptor("take devices offline: hotplug:offline [--force] [--dry-run] cpu:3 memory:12")
    public String offline(
            @Descriptor("skip overridable vetoes (policy, not physics)")
            @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
            @Descriptor("validate only; nothing on the system changes")
            @Parameter(names = {"-n", "--dry-run"}, presentValue = "true", absentValue = "false") boolean dryRun,
            @Descriptor("request parameters as key=value, several separated by commas")
            @Parameter(names = {"-p", "--param"}, absentValue = "") String params,
            @Descriptor("devices as type:id, e.g. cpu:3 memory:12")
            String... targets) {
        return run(Operation.OFFLINE, force, dryRun, params, targets);
    }

    private String run(Operation operation, boolean force, boolean dryRun, String params, String[] targets) {
        HotplugRequest request = request(operation, force, dryRun, params, targets);
        BlockingQueue<Object> reports = new LinkedBlockingQueue<>();
        Promise<HotplugResult> promise = service.submit(request, reports::add);
        promise.onResolve(() -> reports.add(DONE));
        PrintStream out = progressOut != null ? progressOut : System.out;
        try {
            // Progress is printed here, on the command's thread, so it reaches this shell session.
            for (Object report = reports.take(); report != DONE; report = reports.take()) {
                out.println(progressLine((Progress) report));
            }
            HotplugResult result = promise.getValue();
            String steps = steps(result);
            if (!result.succeeded()) {
                out.print(steps);
                throw new RequestFailedException(result);
            }
            return steps + result.summary();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped waiting for request " + request.id()
                    + "; it goes on running: see hotplug:requests and hotplug:history", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("request " + request.id() + " failed inside the sequencer: "
                    + e.getCause(), e.getCause());
        }
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
            for (String one : token.split(",")) {
                if (!one.isBlank()) {
                    devices.add(DeviceRef.parse(one.trim()));
                }
            }
        }
        params = allParams.toString();
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("name at least one device, e.g. hotplug:" + operation.word()
                    + " cpu:3 memory:12");
        }
        HotplugRequest.Builder b = HotplugRequest.builder(operation).targets(devices).force(force).dryRun(dryRun)
                .origin("shell");
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

    private static String progressLine(Progress p) {
        StringBuilder b = new StringBuilder("  [");
        b.append(p.total() > 0 ? p.done() + "/" + p.total() : Integer.toString(p.done())).append("] ")
                .append(p.phase().word()).append(' ').append(p.handler());
        if (p.device() != null) {
            b.append(' ').append(p.device());
        }
        if (p.message() != null && !p.message().isBlank()) {
            b.append(": ").append(p.message());
        }
        return b.toString();
    }

    private static String steps(HotplugResult result) {
        if (result.steps().isEmpty()) {
            return "";
        }
        Table t = new Table("phase", "handler", "bundle", "status", "ms", "detail");
        for (StepRecord s : result.steps()) {
            t.row(s.phase().word(), s.handler(), s.bundle(), s.status(), s.duration().toMillis(),
                    s.error() == null ? "" : s.error().toString());
        }
        return t.toString();
    }

    // ------------------------------------------------------------------ inspection

    @Descriptor("the running request and the queued ones, in the order they will run")
    public String requests() {
        List<RequestStatus> all = service.requests();
        if (all.isEmpty()) {
            return "no request is running or queued";
        }
        Table t = new Table("id", "state", "phase", "operation", "devices", "origin", "submitted");
        for (RequestStatus s : all) {
            HotplugRequest r = s.request();
            t.row(r.id(), s.state(), s.phase() == null ? "-" : s.phase().word(), r.operation().word(),
                    devices(r.targets()), r.origin(), TIME.format(s.submitted()));
        }
        return t.toString();
    }

    @Descriptor("the last 20 finished requests, newest last")
    public String history() {
        return history(20);
    }

    @Descriptor("the last n finished requests, newest last")
    public String history(@Descriptor("how many") int n) {
        if (n < 1) {
            throw new IllegalArgumentException("history needs a positive count, not " + n);
        }
        List<HotplugResult> results = service.history(n);
        if (results.isEmpty()) {
            return "no request has finished yet";
        }
        Table t = new Table("id", "outcome", "operation", "devices", "origin", "started", "ms", "error");
        for (HotplugResult r : results) {
            t.row(r.requestId(), r.outcome(), r.request().operation().word(),
                    devices(r.devices().isEmpty() ? r.request().targets() : r.devices()), r.request().origin(),
                    TIME.format(r.started()), Duration.between(r.started(), r.finished()).toMillis(),
                    r.error() == null ? "" : r.error().toString());
        }
        return t.toString();
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
    public String cancel(@Descriptor("the request id, as hotplug:requests shows it") String id) {
        if (!service.cancel(id)) {
            throw new IllegalArgumentException("request " + id + " is not queued: it has finished, is running"
                    + " (running requests are never interrupted) or never existed; see hotplug:requests");
        }
        return "request " + id + " cancelled";
    }

    @Descriptor("devices of every type, as the inventories see them now")
    public String devices() {
        return devices((String) null);
    }

    @Descriptor("devices of one type (cpu, memory, ...), as its inventory sees them now")
    public String devices(@Descriptor("device type") String type) {
        List<DeviceInventory> all = inventories == null ? List.of() : List.copyOf(inventories);
        List<DeviceInventory> chosen = all.stream()
                .filter(i -> type == null || type.equals(i.deviceType()))
                .sorted(Comparator.comparing(DeviceInventory::deviceType)).toList();
        if (chosen.isEmpty()) {
            String known = all.stream().map(DeviceInventory::deviceType).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException(type == null ? "no device inventory is registered (install the cpu"
                    + " or memory bundle)" : "no inventory for device type '" + type + "'; known types: "
                    + (known.isEmpty() ? "none" : known));
        }
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
                columns.forEach(c -> cells.add(d.attributes().getOrDefault(c, "-")));
                t.row(cells.toArray());
            }
            if (chosen.size() > 1) {
                b.append(inventory.deviceType()).append(":\n");
            }
            b.append(devices.isEmpty() ? "  (no " + inventory.deviceType() + " device)\n" : t.toString());
        }
        return b.toString();
    }

    /** Shell input shown in an error: control characters as '?', at most 80 characters. */
    private static String printable(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return shown.replaceAll("\\p{Cc}", "?");
    }

    private static String devices(List<DeviceRef> devices) {
        String all = devices.stream().map(DeviceRef::toString).collect(Collectors.joining(","));
        return all.length() > 60 ? all.substring(0, 57) + "..." : all;
    }
}
