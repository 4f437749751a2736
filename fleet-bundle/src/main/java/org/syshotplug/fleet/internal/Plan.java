package org.syshotplug.fleet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One plan: a hot-plug request rolled across hosts, and each host's state in it. */
final class Plan {

    static final String TIMED_OUT = "TIMED_OUT";
    static final String SKIPPED = "SKIPPED";

    static final class Host {
        final String name;
        boolean sent;
        String outcome;
        String error;
        double seconds;
        long sentAt;
        String sentSession;

        Host(String name) {
            this.name = name;
        }

        boolean done() {
            return outcome != null;
        }

        boolean succeeded() {
            return "SUCCEEDED".equals(outcome) || "DRY_RUN".equals(outcome);
        }
    }

    final String id;
    final String operation;
    final List<String> devices;
    final int parallel;
    final int maxFailures;
    final int timeoutSeconds;
    final String principal;
    final Map<String, Host> hosts = new LinkedHashMap<>();
    boolean force;
    boolean dryRun;
    String ended;

    Plan(String id, String operation, List<String> devices, List<String> hosts, int parallel, int maxFailures,
            int timeoutSeconds, String principal) {
        this.id = id;
        this.operation = operation;
        this.devices = List.copyOf(devices);
        this.parallel = parallel;
        this.maxFailures = maxFailures;
        this.timeoutSeconds = timeoutSeconds;
        this.principal = principal;
        hosts.forEach(this::host);
    }

    Host host(String name) {
        return hosts.computeIfAbsent(name, Host::new);
    }

    /** The id of the request this plan sends to one host: the same on every send, so the host can tell a repeat. */
    String requestId(String host) {
        return id + "." + host;
    }

    long failures() {
        return hosts.values().stream().filter(h -> h.done() && !h.succeeded()).count();
    }

    ObjectNode toJournal() {
        ObjectNode n = FleetAgent.JSON.createObjectNode().put("t", "plan").put("plan", id).put("operation", operation)
                .put("parallel", parallel).put("maxFailures", maxFailures).put("timeout", timeoutSeconds)
                .put("principal", principal).put("force", force).put("dryRun", dryRun);
        devices.forEach(n.putArray("devices")::add);
        hosts.keySet().forEach(n.putArray("hosts")::add);
        return n;
    }

    static Plan fromJournal(JsonNode n) {
        List<String> devices = new ArrayList<>();
        n.path("devices").forEach(d -> devices.add(d.asText()));
        List<String> hosts = new ArrayList<>();
        n.path("hosts").forEach(h -> hosts.add(h.asText()));
        Plan p = new Plan(n.path("plan").asText(), n.path("operation").asText(), devices, hosts,
                n.path("parallel").asInt(1), n.path("maxFailures").asInt(-1), n.path("timeout").asInt(60),
                n.path("principal").asText("controller"));
        p.force = n.path("force").asBoolean();
        p.dryRun = n.path("dryRun").asBoolean();
        return p;
    }

    ObjectNode toJson() {
        ObjectNode n = FleetAgent.JSON.createObjectNode().put("plan", id).put("operation", operation);
        devices.forEach(n.putArray("devices")::add);
        n.put("status", ended == null ? "unfinished" : ended);
        int ok = 0;
        for (Host h : hosts.values()) {
            ObjectNode hn = n.withArray("hosts").addObject().put("host", h.name)
                    .put("outcome", h.done() ? h.outcome : h.sent ? "SENT" : "PENDING").put("seconds", h.seconds);
            if (h.error != null) {
                hn.put("error", h.error);
            }
            ok += h.succeeded() ? 1 : 0;
        }
        n.put("succeeded", ok).put("failed", failures()).put("total", hosts.size());
        return n;
    }
}
