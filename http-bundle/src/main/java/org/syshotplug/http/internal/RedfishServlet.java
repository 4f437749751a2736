package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

/**
 * A Redfish-shaped view for management stacks: {@code /redfish/v1/Systems/<id>/Processors} and
 * {@code /Memory} list the CPUs and memory blocks of the inventories, each member with
 * {@code Status.State} Enabled (online), Disabled (offline) or Absent (anything else). One property
 * is writable: {@code PATCH {"Enabled": false|true}} on a member queues an offline or online request
 * and answers 202 with the request's {@code Location}. Every other property is refused with 400,
 * every other method with 405, each as a problem document.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + RedfishServlet.ROOT + "/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-redfish"})
public class RedfishServlet extends ApiServlet {

    static final String ROOT = "/redfish/v1";
    private static final long serialVersionUID = 1L;
    private static final String ODATA_ID = "@odata.id";
    private static final String ODATA_TYPE = "@odata.type";

    /** The two collections and the device type behind each. */
    private enum Kind {
        PROCESSORS("Processors", DeviceRef.CPU, "#ProcessorCollection.ProcessorCollection", "#Processor.v1_18_0.Processor"),
        MEMORY("Memory", DeviceRef.MEMORY, "#MemoryCollection.MemoryCollection", "#Memory.v1_17_0.Memory");

        final String segment;
        final String type;
        final String collectionType;
        final String memberType;

        Kind(String segment, String type, String collectionType, String memberType) {
            this.segment = segment;
            this.type = type;
            this.collectionType = collectionType;
            this.memberType = memberType;
        }

        static Optional<Kind> of(String segment) {
            for (Kind k : values()) {
                if (k.segment.equals(segment)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    private final transient RequestTracker tracker;
    private final transient HttpGate gate;
    private final transient Map<String, DeviceInventory> inventories = new ConcurrentHashMap<>();

    @Activate
    public RedfishServlet(@Reference RequestTracker tracker, @Reference HttpGate gate) {
        this.tracker = tracker;
        this.gate = gate;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInventory(DeviceInventory inventory) {
        inventories.put(inventory.deviceType(), inventory);
    }

    void removeInventory(DeviceInventory inventory) {
        inventories.remove(inventory.deviceType(), inventory);
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        String system = gate.settings().redfishSystemId();
        List<String> p = path.isEmpty() ? List.of() : List.of(path.split("/", -1));
        String systemPath = ROOT + "/Systems/" + system;
        if (p.isEmpty()) {
            requireGet(method, path);
            Json.write(response, 200, odata(ROOT, "#ServiceRoot.v1_15_0.ServiceRoot", "RootService", "SysHotplug Redfish service",
                    Map.of("RedfishVersion", "1.18.0", "Systems", link(ROOT + "/Systems"))));
        } else if (p.size() == 1 && p.get(0).equals("Systems")) {
            requireGet(method, path);
            Map<String, Object> c = odata(ROOT + "/Systems", "#ComputerSystemCollection.ComputerSystemCollection", null,
                    "Computer System Collection", Map.of());
            c.put("Members@odata.count", 1);
            c.put("Members", List.of(link(systemPath)));
            Json.write(response, 200, c);
        } else if (p.size() >= 2 && p.get(0).equals("Systems") && !p.get(1).equals(system)) {
            throw ApiProblem.notFound("no system '" + RequestDecoder.printable(p.get(1)) + "': this service has " + systemPath);
        } else if (p.size() == 2) {
            requireGet(method, path);
            Json.write(response, 200, odata(systemPath, "#ComputerSystem.v1_20_0.ComputerSystem", system, "SysHotplug system",
                    Map.of("Processors", link(systemPath + "/Processors"), "Memory", link(systemPath + "/Memory"))));
        } else if (p.size() == 3 || p.size() == 4) {
            Kind kind = Kind.of(p.get(2)).orElseThrow(() -> ApiProblem.notFound(
                    "no collection '" + RequestDecoder.printable(p.get(2)) + "': this view has Processors and Memory"));
            String collectionPath = systemPath + "/" + kind.segment;
            if (p.size() == 3) {
                requireGet(method, path);
                List<Map<String, Object>> members = devices(kind).stream()
                        .map(d -> link(collectionPath + "/" + d.ref().id())).toList();
                Map<String, Object> c = odata(collectionPath, kind.collectionType, null, kind.segment + " Collection", Map.of());
                c.put("Members@odata.count", members.size());
                c.put("Members", members);
                Json.write(response, 200, c);
            } else {
                DeviceInfo device = member(kind, p.get(3));
                switch (method) {
                    case "GET" -> Json.write(response, 200, member(kind, collectionPath, device));
                    case "PATCH" -> patch(request, response, device);
                    default -> throw wrongMethod(method, path);
                }
            }
        } else {
            throw ApiProblem.notFound("no Redfish resource at " + RequestDecoder.printable(request.getRequestURI()));
        }
    }

    private void patch(HttpServletRequest request, HttpServletResponse response, DeviceInfo device) throws IOException {
        HttpSettings settings = gate.settings();
        Map<?, ?> body = RequestDecoder.read(body(request, settings.maxBodyBytes()), LinkedHashMap.class);
        if (body == null || body.isEmpty()) {
            throw ApiProblem.badField("Enabled", "nothing to change: the one writable property is Enabled (true or false)");
        }
        for (Object key : body.keySet()) {
            if (!"Enabled".equals(key)) {
                throw ApiProblem.badField(RequestDecoder.printable(String.valueOf(key)), "property '"
                        + RequestDecoder.printable(String.valueOf(key)) + "' is read-only or unknown here;"
                        + " the one writable property is Enabled");
            }
        }
        if (!(body.get("Enabled") instanceof Boolean enabled)) {
            throw ApiProblem.badField("Enabled", "Enabled must be true or false");
        }
        HotplugRequest r = HotplugRequest.builder(enabled ? Operation.ONLINE : Operation.OFFLINE).target(device.ref())
                .origin(RequestDecoder.ORIGIN).principal(principal(request).name()).build();
        RequestsServlet.accepted(response, tracker, r);
    }

    private List<DeviceInfo> devices(Kind kind) {
        DeviceInventory inventory = inventories.get(kind.type);
        if (inventory == null) {
            return List.of();
        }
        try {
            return inventory.devices();
        } catch (IllegalStateException e) {
            throw new ApiProblem(503, "Inventory unavailable", e.getMessage(), null);
        }
    }

    private DeviceInfo member(Kind kind, String id) {
        DeviceRef ref;
        try {
            ref = DeviceRef.of(kind.type, id);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("no " + kind.segment + " member '" + RequestDecoder.printable(id) + "': " + e.getMessage());
        }
        return devices(kind).stream().filter(d -> d.ref().equals(ref)).findFirst()
                .orElseThrow(() -> ApiProblem.notFound("no " + kind.segment + " member '" + ref.id() + "'"));
    }

    private static Map<String, Object> member(Kind kind, String collectionPath, DeviceInfo d) {
        String state = state(d.state());
        Map<String, Object> extra = new LinkedHashMap<>();
        if (kind == Kind.PROCESSORS) {
            extra.put("ProcessorType", "CPU");
        } else {
            extra.put("MemoryType", "DRAM");
        }
        extra.put("Enabled", state.equals("Enabled"));
        extra.put("Status", Map.of("State", state, "Health", "OK"));
        extra.put("Oem", Map.of("SysHotplug", Map.of("Device", d.ref().toString(), "KernelState", d.state(),
                "Attributes", d.attributes())));
        return odata(collectionPath + "/" + d.ref().id(), kind.memberType, d.ref().id(),
                (kind == Kind.PROCESSORS ? "CPU " : "Memory block ") + d.ref().id(), extra);
    }

    /** Kernel words to Redfish's: online (any online zone) is Enabled, offline Disabled, anything else Absent. */
    static String state(String kernel) {
        if (kernel == null) {
            return "Absent";
        }
        if (kernel.startsWith("online")) {
            return "Enabled";
        }
        return kernel.equals("offline") ? "Disabled" : "Absent";
    }

    private static Map<String, Object> odata(String id, String type, String resourceId, String name, Map<String, Object> rest) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(ODATA_ID, id);
        m.put(ODATA_TYPE, type);
        if (resourceId != null) {
            m.put("Id", resourceId);
        }
        m.put("Name", name);
        m.putAll(rest);
        return m;
    }

    private static Map<String, Object> link(String id) {
        return Map.of(ODATA_ID, id);
    }

    private void requireGet(String method, String path) {
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
    }

    @Override
    String allowed(String path) {
        return path.split("/").length == 4 ? "GET, PATCH" : "GET";
    }
}
