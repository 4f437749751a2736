package org.syshotplug.fleet.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Progress;
import org.syshotplug.api.RequestStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet agent: this runtime's end of the broker. Takes requests from its own request topic,
 * runs them through {@link HotplugService} and answers on its result topic. QoS 1 delivers at least
 * once, and the controller asks again after reconnects and restarts, so a request id this runtime
 * has already run (or is running) is answered from the sequencer's journal, never run twice.
 */
@Component(service = {}, configurationPid = FleetAgent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AgentConfig.class)
public class FleetAgent implements MqttCallbackExtended {

    static final String PID = "org.syshotplug.fleet";
    static final String ORIGIN = "fleet";
    private static final Logger LOG = LoggerFactory.getLogger(FleetAgent.class);
    private static final int HISTORY_SCAN = 10_000;

    static final ObjectMapper JSON = new ObjectMapper();

    private final HotplugService service;
    private final List<DeviceInventory> inventories = new CopyOnWriteArrayList<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    /** Tells the controller this is a new incarnation: a request it sent to an older one is asked again. */
    private final String session = UUID.randomUUID().toString();
    private final Instant since = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-agent-connect");
        t.setDaemon(true);
        return t;
    });

    private String host;
    private MqttAsyncClient client;
    private volatile boolean closed;

    @Activate
    public FleetAgent(@Reference HotplugService service, AgentConfig config) throws MqttException {
        this.service = service;
        start(config);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInventory(DeviceInventory inventory) {
        inventories.add(inventory);
    }

    void removeInventory(DeviceInventory inventory) {
        inventories.remove(inventory);
    }

    private void start(AgentConfig config) throws MqttException {
        if (!config.enabled()) {
            LOG.info("fleet agent configured but not enabled (enabled=false in etc/{}.cfg)", PID);
            return;
        }
        host = Topics.checkHost(config.host());
        client = new MqttAsyncClient(config.broker(), "syshotplug-" + host, new MemoryPersistence());
        client.setCallback(this);
        DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
        buffer.setBufferEnabled(true);
        buffer.setBufferSize(10_000);
        client.setBufferOpts(buffer);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(2);
        options.setKeepAliveInterval(Math.max(1, config.keepAlive()));
        options.setMaxInflight(1000);
        NoDelaySockets.apply(config.broker(), options);
        if (!config.username().isEmpty()) {
            options.setUserName(config.username());
            options.setPassword(config._password().toCharArray());
        }
        options.setWill(Topics.of(host, "status"), status("offline"), 1, true);
        connector.execute(() -> connectUntilDone(options, 0));
    }

    /** Paho reconnects by itself only after a first connection: until then, try again every second. */
    private void connectUntilDone(MqttConnectOptions options, int attempt) {
        if (closed) {
            return;
        }
        try {
            client.connect(options).waitForCompletion(30_000);
        } catch (MqttException e) {
            if (attempt == 0 || attempt % 60 == 0) {
                LOG.warn("fleet agent {}: cannot connect to {} ({}), trying again", host, client.getServerURI(), e.toString());
            }
            if (e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                    || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED) {
                connector.schedule(() -> connectUntilDone(options, attempt + 1), 30, TimeUnit.SECONDS);
            } else {
                connector.schedule(() -> connectUntilDone(options, attempt + 1), 1, TimeUnit.SECONDS);
            }
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        connector.shutdownNow();
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.publish(Topics.of(host, "status"), status("offline"), 1, true).waitForCompletion(5_000);
                client.disconnect().waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.warn("fleet agent {}: disconnect: {}", host, e.getMessage());
        } finally {
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("close", e);
            }
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        LOG.info("fleet agent {}: connected to {}{}", host, serverURI, reconnect ? " again" : "");
        try {
            // Subscribed again each time: a broker restarted without persistence forgot the session.
            client.subscribe(Topics.of(host, "request"), 1);
            client.publish(Topics.of(host, "status"), status("online"), 1, true);
            publishInventory();
        } catch (MqttException e) {
            LOG.warn("fleet agent {}: after connect: {}", host, e.getMessage());
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        LOG.warn("fleet agent {}: connection to the broker lost ({}), reconnecting", host, cause.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        String id = null;
        try {
            JsonNode request = JSON.readTree(new String(message.getPayload(), StandardCharsets.UTF_8));
            id = request.path("id").asText("");
            handle(id, request);
        } catch (Exception e) {
            // A bad request is answered, not dropped: the controller waits for every id it sent.
            LOG.warn("fleet agent {}: bad request on {}: {}", host, topic, e.getMessage());
            ObjectNode answer = JSON.createObjectNode().put("host", host).put("id", id == null ? "" : id)
                    .put("outcome", "REJECTED").put("succeeded", false).put("error", String.valueOf(e.getMessage()));
            publish("result", answer, false);
        }
    }

    private void handle(String id, JsonNode request) {
        if (!inFlight.add(id)) {
            return; // running here now: its result is published when it ends
        }
        try {
            HotplugResult done = findDone(id);
            if (done != null) {
                ObjectNode answer = result(done);
                answer.put("replayed", true);
                inFlight.remove(id);
                publish("result", answer, false);
                return;
            }
            if (service.requests().stream().map(RequestStatus::request).anyMatch(r -> r.id().equals(id))) {
                inFlight.remove(id);
                return;
            }
            HotplugRequest hr = parse(id, request);
            service.submit(hr, this::progress).onResolve(() -> inFlight.remove(id)).then(p -> {
                publish("result", result(p.getValue()), false);
                publishInventory();
                return null;
            }, failed -> publish("result", JSON.createObjectNode().put("host", host).put("id", id)
                    .put("outcome", "REJECTED").put("succeeded", false)
                    .put("error", String.valueOf(failed.getFailure().getMessage())), false));
        } catch (RuntimeException e) {
            inFlight.remove(id);
            throw e;
        }
    }

    private HotplugResult findDone(String id) {
        for (HotplugResult r : service.history(HISTORY_SCAN)) {
            if (r.requestId().equals(id)) {
                return r;
            }
        }
        return null;
    }

    static HotplugRequest parse(String id, JsonNode request) {
        HotplugRequest.Builder b = HotplugRequest.builder(Operation.parse(request.path("operation").asText("")))
                .id(id).origin(ORIGIN)
                .principal(request.path("principal").asText("fleet"))
                .force(request.path("force").asBoolean(false))
                .dryRun(request.path("dryRun").asBoolean(false));
        List<DeviceRef> targets = new ArrayList<>();
        for (JsonNode d : request.path("devices")) {
            targets.add(DeviceRef.parse(d.asText()));
        }
        b.targets(targets);
        if (request.hasNonNull("deadlineSeconds")) {
            b.deadline(Duration.ofSeconds(request.get("deadlineSeconds").asLong()));
        }
        return b.build();
    }

    private void progress(Progress p) {
        ObjectNode n = JSON.createObjectNode().put("host", host).put("id", p.requestId())
                .put("phase", String.valueOf(p.phase())).put("device", String.valueOf(p.device()))
                .put("done", p.done()).put("total", p.total()).put("message", p.message());
        publish("progress", n, false);
    }

    ObjectNode result(HotplugResult r) {
        ObjectNode n = JSON.createObjectNode().put("host", host).put("id", r.requestId())
                .put("outcome", r.outcome().name()).put("succeeded", r.succeeded())
                .put("machine", r.machine())
                .put("started", String.valueOf(r.started())).put("finished", String.valueOf(r.finished()));
        r.devices().forEach(d -> n.withArray("devices").add(d.toString()));
        if (r.error() != null) {
            n.put("error", r.error().toString());
        }
        return n;
    }

    private byte[] status(String state) {
        ObjectNode n = JSON.createObjectNode().put("host", host).put("state", state).put("session", session)
                .put("since", since.toString()).put("time", Instant.now().toString());
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void publishInventory() {
        ObjectNode n = JSON.createObjectNode().put("host", host).put("time", Instant.now().toString());
        ObjectNode types = n.putObject("devices");
        for (DeviceInventory inv : inventories) {
            try {
                Map<String, Integer> states = new TreeMap<>();
                List<DeviceInfo> devices = inv.devices();
                devices.forEach(d -> states.merge(String.valueOf(d.state()), 1, Integer::sum));
                ObjectNode t = types.putObject(inv.deviceType()).put("count", devices.size());
                states.forEach(t.putObject("states")::put);
            } catch (RuntimeException e) {
                LOG.debug("inventory {}", inv.deviceType(), e);
            }
        }
        publish("inventory", n, true);
    }

    private void publish(String kind, ObjectNode payload, boolean retained) {
        try {
            client.publish(Topics.of(host, kind), payload.toString().getBytes(StandardCharsets.UTF_8), 1, retained);
        } catch (MqttException e) {
            // The controller asks again after its reconnect; the answer then comes from the journal.
            LOG.warn("fleet agent {}: cannot publish {}: {}", host, kind, e.getMessage());
        }
    }
}
