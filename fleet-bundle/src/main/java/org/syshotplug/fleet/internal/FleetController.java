package org.syshotplug.fleet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Operation;

/**
 * {@code hotplug:fleet}: the controller. Knows the fleet from the hosts' retained status, rolls a
 * plan across them (at most N at a time, stop after K failures, a deadline per host) and journals
 * every step, so a controller started again reports or resumes a plan without re-sending a host
 * whose outcome it has. A host is asked again (same request id) after a reconnect or when it comes
 * back as a new incarnation; the agent answers a known id from its own journal.
 */
@Component(service = FleetController.class, configurationPid = FleetController.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = {"osgi.command.scope=hotplug", "osgi.command.function=fleet"})
@Designate(ocd = ControllerConfig.class)
public class FleetController implements MqttCallbackExtended {

    static final String PID = "org.syshotplug.fleet.controller";
    private static final Logger LOG = LoggerFactory.getLogger(FleetController.class);
    private static final Pattern PLAN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,40}");

    static final String HELP = """
            fleet - the hosts on the MQTT broker, and hot-plug plans rolled across them
            Usage: hotplug:fleet hosts [--json]
                   hotplug:fleet run [OPTIONS] OPERATION DEVICE...
                   hotplug:fleet plans [--json]
                   hotplug:fleet show PLAN [--json]
                   hotplug:fleet resume PLAN [--json]
            run options:
              --hosts PATTERN       hosts whose name matches (glob: * and ?; default *), online ones only
              --parallel N          at most N hosts at a time (default 1)
              --max-failures K      stop sending after K hosts failed (default: continue to the end)
              --timeout SECONDS     a host that has not answered by then is TIMED_OUT, not asked again (default 120)
              --force, --dry-run    passed to each host's request
              --plan ID             the plan's id (default: generated)
              --json                the summary as JSON instead of tables
            OPERATION is add, remove, online or offline; DEVICE like cpu:3 or memory:12.
            Every step is journaled; resume finishes an unfinished plan without sending a finished host again.
            Exit status 1 when a host did not succeed.
            """;

    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-controller-connect");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, JsonNode> statuses = new ConcurrentHashMap<>();
    /** Every result seen, by request id: a result that comes while no plan waits for it is kept for resume. */
    private final Map<String, JsonNode> results = new ConcurrentHashMap<>();
    private final Map<String, BlockingQueue<Object>> running = new ConcurrentHashMap<>();
    private final PlanJournal journal;
    private final String name;
    private MqttAsyncClient client;
    private volatile boolean closed;

    /** Something a running plan reacts to: a result, a status change, a reconnect. */
    record Event(String kind, String host, JsonNode body) {
    }

    @Activate
    public FleetController(BundleContext context, ControllerConfig config) throws MqttException {
        this.name = config.name();
        String data = context.getProperty("syshotplug.data");
        Path file = !config.journal().isEmpty() ? Path.of(config.journal())
                : data != null ? Path.of(data, "fleet", "plans.jsonl") : context.getDataFile("plans.jsonl").toPath();
        this.journal = new PlanJournal(file);
        if (!config.enabled()) {
            return;
        }
        client = new MqttAsyncClient(config.broker(), "syshotplug-ctl-" + Topics.checkHost(name), new MemoryPersistence());
        client.setCallback(this);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(2);
        options.setKeepAliveInterval(10);
        options.setMaxInflight(1000);
        NoDelaySockets.apply(config.broker(), options);
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
            options.setPassword(config._password().toCharArray());
        }
        connector.execute(() -> connect(options, 0));
    }

    private void connect(MqttConnectOptions options, int attempt) {
        if (closed) {
            return;
        }
        try {
            client.connect(options).waitForCompletion(30_000);
        } catch (MqttException e) {
            if (attempt == 0) {
                LOG.warn("fleet controller: cannot connect to {} ({}), trying again", client.getServerURI(), e.toString());
            }
            connector.schedule(() -> connect(options, attempt + 1), 1, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        connector.shutdownNow();
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5_000);
                }
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("close", e);
            }
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        try {
            client.subscribe(new String[] {Topics.ROOT + "+/status", Topics.ROOT + "+/result", Topics.ROOT + "+/inventory"},
                    new int[] {1, 1, 1}).waitForCompletion(10_000);
        } catch (MqttException e) {
            LOG.warn("fleet controller: subscribe: {}", e.getMessage());
        }
        running.values().forEach(q -> q.add(new Event("reconnect", null, null)));
    }

    @Override
    public void connectionLost(Throwable cause) {
        LOG.warn("fleet controller: connection to the broker lost ({}), reconnecting", cause.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        String host = Topics.host(topic);
        if (host == null || message.getPayload().length == 0) {
            return;
        }
        JsonNode body;
        try {
            body = FleetAgent.JSON.readTree(new String(message.getPayload(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("fleet controller: unreadable message on {}", topic);
            return;
        }
        switch (Topics.kind(topic)) {
            case "status" -> {
                statuses.merge(host, body, (old, now) -> ((ObjectNode) now).set("inventory", old.get("inventory")));
                running.values().forEach(q -> q.add(new Event("status", host, body)));
            }
            case "inventory" -> statuses.compute(host, (h, old) -> old == null
                    ? FleetAgent.JSON.createObjectNode().put("host", h).put("state", "unknown").set("inventory", body)
                    : ((ObjectNode) old).set("inventory", body));
            case "result" -> {
                String id = body.path("id").asText();
                results.put(id, body);
                int dot = id.lastIndexOf('.');
                BlockingQueue<Object> q = dot > 0 ? running.get(id.substring(0, dot)) : null;
                if (q != null) {
                    q.add(new Event("result", host, body));
                }
            }
            default -> { }
        }
    }

    public Object fleet(String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of(args));
        if (a.isEmpty() || a.contains("-h") || a.contains("--help") || a.get(0).equals("help")) {
            return HELP;
        }
        boolean json = a.remove("--json");
        String verb = a.remove(0);
        switch (verb) {
            case "hosts":
                if (client == null) {
                    throw new IllegalStateException("the fleet controller is off: set enabled = true in etc/" + PID + ".cfg");
                }
                if (!client.isConnected()) {
                    System.err.println("warning: not connected to " + client.getServerURI() + " now; the last known status follows");
                }
                return json ? FleetAgent.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(hostsJson()) : hostsTable();
            case "plans":
                return plans(json);
            case "show":
                return show(one(a, "show"), json);
            case "resume": {
                Plan p = journal.load().get(one(a, "resume"));
                if (p == null) {
                    throw new IllegalArgumentException("no plan '" + a.get(0) + "' in " + journal.file());
                }
                return execute(p, json, false);
            }
            case "run":
                return execute(parseRun(a), json, true);
            default:
                throw new IllegalArgumentException("unknown fleet command '" + verb
                        + "': expected hosts, run, plans, show or resume (hotplug:fleet --help)");
        }
    }

    private static String one(List<String> a, String verb) {
        if (a.size() != 1) {
            throw new IllegalArgumentException("fleet " + verb + " takes one plan id, not " + a);
        }
        return a.get(0);
    }

    private Plan parseRun(List<String> a) {
        String pattern = "*";
        int parallel = 1;
        int maxFailures = -1;
        int timeout = 120;
        boolean force = false;
        boolean dryRun = false;
        String planId = null;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String w = a.get(i);
            switch (w) {
                case "--hosts" -> pattern = value(a, ++i, w);
                case "--parallel" -> parallel = positive(value(a, ++i, w), w);
                case "--max-failures" -> maxFailures = positive(value(a, ++i, w), w);
                case "--timeout" -> timeout = positive(value(a, ++i, w), w);
                case "--plan" -> planId = value(a, ++i, w);
                case "--force" -> force = true;
                case "--dry-run" -> dryRun = true;
                default -> {
                    if (w.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option '" + w + "' (hotplug:fleet --help)");
                    }
                    words.add(w);
                }
            }
        }
        if (words.size() < 2) {
            throw new IllegalArgumentException("fleet run needs an operation and at least one device, e.g. offline cpu:3");
        }
        Operation op = Operation.parse(words.get(0));
        List<String> devices = new ArrayList<>();
        for (String d : words.subList(1, words.size())) {
            devices.add(DeviceRef.parse(d).toString());
        }
        if (planId == null) {
            planId = "p" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                    + "-" + UUID.randomUUID().toString().substring(0, 4);
        } else if (!PLAN_ID.matcher(planId).matches()) {
            throw new IllegalArgumentException("invalid plan id '" + planId + "': expected 1-41 letters, digits, '_' or '-'");
        }
        Pattern glob = glob(pattern);
        List<String> hosts = statuses.entrySet().stream()
                .filter(e -> glob.matcher(e.getKey()).matches() && "online".equals(e.getValue().path("state").asText()))
                .map(Map.Entry::getKey).sorted().toList();
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no online host matches '" + pattern + "' (hotplug:fleet hosts lists them)");
        }
        Plan p = new Plan(planId, op.word(), devices, hosts, parallel, maxFailures, timeout, name);
        p.force = force;
        p.dryRun = dryRun;
        return p;
    }

    private static String value(List<String> a, int i, String option) {
        if (i >= a.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return a.get(i);
    }

    private static int positive(String s, String option) {
        try {
            int v = Integer.parseInt(s);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below names it
        }
        throw new IllegalArgumentException(option + " takes a positive whole number, not '" + s + "'");
    }

    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    /** Runs (or resumes) a plan to its end in the calling shell session, printing each host's change. */
    private Object execute(Plan p, boolean json, boolean fresh) throws Exception {
        if (client == null) {
            throw new IllegalStateException("the fleet controller is off: set enabled = true in etc/" + PID + ".cfg");
        }
        if (!client.isConnected()) {
            throw new IllegalStateException("the fleet controller is not connected to its broker " + client.getServerURI());
        }
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        if (running.putIfAbsent(p.id, events) != null) {
            throw new IllegalStateException("plan " + p.id + " is already running");
        }
        PrintStream out = System.out;
        try {
            if (fresh) {
                journal.append(p.toJournal());
            }
            if (!json) {
                out.printf("plan %s: %s %s on %d host(s), %d at a time%n", p.id, p.operation, String.join(" ", p.devices),
                        p.hosts.size(), p.parallel);
            }
            // Hosts sent before a controller restart: their results may have come meanwhile; else ask again.
            for (Plan.Host h : p.hosts.values()) {
                if (!h.done() && h.sent) {
                    if (!take(p, h, results.get(p.requestId(h.name)), json, out)) {
                        send(p, h);
                    }
                }
            }
            while (true) {
                long inFlight = p.hosts.values().stream().filter(h -> h.sent && !h.done()).count();
                boolean stopping = p.maxFailures > 0 && p.failures() >= p.maxFailures;
                if (!stopping) {
                    for (Plan.Host h : p.hosts.values()) {
                        if (inFlight >= p.parallel) {
                            break;
                        }
                        if (!h.sent && !h.done()) {
                            journalLine(p, "sent", h.name);
                            h.sent = true;
                            send(p, h);
                            progressLine(json, out, h.name, "SENT", "");
                            inFlight++;
                        }
                    }
                }
                if (inFlight == 0) {
                    break;
                }
                Object e = events.poll(200, TimeUnit.MILLISECONDS);
                if (e instanceof Event ev) {
                    react(p, ev, json, out);
                }
                long now = System.nanoTime();
                for (Plan.Host h : p.hosts.values()) {
                    if (h.sent && !h.done() && now - h.sentAt > TimeUnit.SECONDS.toNanos(p.timeoutSeconds)) {
                        finish(p, h, Plan.TIMED_OUT, "no answer within " + p.timeoutSeconds + " s", json, out);
                    }
                }
            }
            for (Plan.Host h : p.hosts.values()) {
                if (!h.done()) {
                    finish(p, h, Plan.SKIPPED, "not sent: " + p.failures() + " host(s) failed (--max-failures "
                            + p.maxFailures + ")", json, out);
                }
            }
            p.ended = p.failures() == 0 ? "completed" : "failed";
            ObjectNode end = FleetAgent.JSON.createObjectNode().put("t", "end").put("plan", p.id).put("status", p.ended);
            journal.append(end);
        } finally {
            running.remove(p.id);
        }
        String summary = json ? FleetAgent.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p.toJson()) : summary(p);
        if (p.failures() > 0) {
            out.println(summary);
            throw new IllegalStateException("plan " + p.id + ": " + p.failures() + " of " + p.hosts.size()
                    + " host(s) did not succeed");
        }
        return summary;
    }

    private void react(Plan p, Event ev, boolean json, PrintStream out) throws IOException, MqttException {
        switch (ev.kind()) {
            case "result" -> {
                Plan.Host h = p.hosts.get(ev.host());
                if (h != null && !h.done() && p.requestId(h.name).equals(ev.body().path("id").asText())) {
                    take(p, h, ev.body(), json, out);
                }
            }
            case "status" -> {
                // A host that came back as a new incarnation may have lost the request: ask it again.
                Plan.Host h = p.hosts.get(ev.host());
                if (h != null && h.sent && !h.done() && "online".equals(ev.body().path("state").asText())
                        && !ev.body().path("session").asText().equals(h.sentSession)) {
                    send(p, h);
                }
            }
            case "reconnect" -> {
                for (Plan.Host h : p.hosts.values()) {
                    if (h.sent && !h.done()) {
                        send(p, h);
                    }
                }
            }
            default -> { }
        }
    }

    private boolean take(Plan p, Plan.Host h, JsonNode result, boolean json, PrintStream out) throws IOException {
        if (result == null) {
            return false;
        }
        finish(p, h, result.path("outcome").asText("UNKNOWN"), result.path("error").asText(null), json, out);
        return true;
    }

    private void finish(Plan p, Plan.Host h, String outcome, String error, boolean json, PrintStream out) throws IOException {
        h.outcome = outcome;
        h.error = error;
        h.seconds = h.sentAt == 0 ? 0 : (System.nanoTime() - h.sentAt) / 1e9;
        ObjectNode line = FleetAgent.JSON.createObjectNode().put("t", "done").put("plan", p.id).put("host", h.name)
                .put("outcome", outcome).put("seconds", h.seconds);
        if (error != null) {
            line.put("error", error);
        }
        journal.append(line);
        progressLine(json, out, h.name, outcome, error == null ? "" : error);
    }

    private void send(Plan p, Plan.Host h) {
        JsonNode status = statuses.get(h.name);
        h.sentSession = status == null ? null : status.path("session").asText();
        if (h.sentAt == 0) {
            h.sentAt = System.nanoTime();
        }
        ObjectNode req = FleetAgent.JSON.createObjectNode().put("id", p.requestId(h.name)).put("operation", p.operation)
                .put("principal", p.principal).put("force", p.force).put("dryRun", p.dryRun)
                .put("replyTo", Topics.of(h.name, "result"));
        p.devices.forEach(req.putArray("devices")::add);
        try {
            client.publish(Topics.of(h.name, "request"), req.toString().getBytes(StandardCharsets.UTF_8), 1, false);
        } catch (MqttException e) {
            // Not connected now: the reconnect event sends every unanswered host again.
            LOG.warn("fleet controller: cannot send {} to {} now ({}), will send again on reconnect", p.requestId(h.name),
                    h.name, e.toString());
        }
    }

    private void journalLine(Plan p, String t, String host) throws IOException {
        journal.append(FleetAgent.JSON.createObjectNode().put("t", t).put("plan", p.id).put("host", host));
    }

    private static void progressLine(boolean json, PrintStream out, String host, String state, String detail) {
        if (!json) {
            out.printf("  %-20s %-14s %s%n", host, state, detail);
            out.flush();
        }
    }

    private static String summary(Plan p) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-20s %-14s %8s  %s%n", "HOST", "OUTCOME", "SECONDS", "ERROR"));
        for (Plan.Host h : p.hosts.values()) {
            b.append(String.format(Locale.ROOT, "%-20s %-14s %8.2f  %s%n", h.name,
                    h.done() ? h.outcome : h.sent ? "SENT" : "PENDING", h.seconds, h.error == null ? "" : h.error));
        }
        long ok = p.hosts.values().stream().filter(Plan.Host::succeeded).count();
        b.append(String.format("plan %s %s: %d succeeded, %d failed, %d host(s)", p.id,
                p.ended == null ? "unfinished" : p.ended, ok, p.failures(), p.hosts.size()));
        return b.toString();
    }

    private Object plans(boolean json) throws IOException {
        Map<String, Plan> all = journal.load();
        if (json) {
            var arr = FleetAgent.JSON.createArrayNode();
            all.values().forEach(p -> arr.add(p.toJson()));
            return FleetAgent.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(arr);
        }
        StringBuilder b = new StringBuilder(String.format("%-28s %-12s %-20s %5s %6s %6s%n", "PLAN", "STATUS", "REQUEST", "HOSTS", "OK", "FAILED"));
        for (Plan p : all.values()) {
            b.append(String.format("%-28s %-12s %-20s %5d %6d %6d%n", p.id, p.ended == null ? "unfinished" : p.ended,
                    p.operation + " " + String.join(",", p.devices), p.hosts.size(),
                    p.hosts.values().stream().filter(Plan.Host::succeeded).count(), p.failures()));
        }
        return b.toString().stripTrailing();
    }

    private Object show(String id, boolean json) throws IOException {
        Plan p = journal.load().get(id);
        if (p == null) {
            throw new IllegalArgumentException("no plan '" + id + "' in " + journal.file());
        }
        return json ? FleetAgent.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p.toJson()) : summary(p);
    }

    private JsonNode hostsJson() {
        var arr = FleetAgent.JSON.createArrayNode();
        statuses.keySet().stream().sorted().forEach(h -> arr.add(statuses.get(h)));
        return arr;
    }

    private String hostsTable() {
        StringBuilder b = new StringBuilder(String.format("%-20s %-8s %-24s %s%n", "HOST", "STATE", "SINCE", "DEVICES"));
        statuses.keySet().stream().sorted().forEach(h -> {
            JsonNode s = statuses.get(h);
            StringBuilder devices = new StringBuilder();
            s.path("inventory").path("devices").fields().forEachRemaining(e -> devices.append(e.getKey()).append(' ')
                    .append(e.getValue().path("states").toString().replaceAll("[{}\"]", "")).append("  "));
            b.append(String.format("%-20s %-8s %-24s %s%n", h, s.path("state").asText(), s.path("since").asText(),
                    devices.toString().strip()));
        });
        return b.toString().stripTrailing();
    }
}
