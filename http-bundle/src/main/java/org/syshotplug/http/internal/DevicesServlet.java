package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.syshotplug.api.DeviceInventory;

/** {@code GET /api/v1/devices}: the device types; {@code GET /api/v1/devices/<type>}: that inventory's devices. */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=" + DevicesServlet.PATH + "/*",
        "osgi.http.whiteboard.servlet.name=syshotplug-devices"})
public class DevicesServlet extends ApiServlet {

    static final String PATH = "/api/v1/devices";
    private static final long serialVersionUID = 1L;

    private final transient Map<String, DeviceInventory> inventories = new ConcurrentSkipListMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addInventory(DeviceInventory inventory) {
        inventories.put(inventory.deviceType(), inventory);
    }

    void removeInventory(DeviceInventory inventory) {
        inventories.remove(inventory.deviceType(), inventory);
    }

    @Override
    void handle(HttpServletRequest request, HttpServletResponse response, String method, String path) throws IOException {
        if (!method.equals("GET")) {
            throw wrongMethod(method, path);
        }
        if (path.isEmpty()) {
            Json.write(response, 200, new Views.TypeList(new ArrayList<>(inventories.keySet())));
            return;
        }
        DeviceInventory inventory = inventories.get(path);
        if (inventory == null) {
            throw ApiProblem.notFound("no inventory for device type '" + RequestDecoder.printable(path) + "'; known types: "
                    + inventories.keySet());
        }
        Json.write(response, 200, list(inventory));
    }

    static Views.DeviceList list(DeviceInventory inventory) {
        List<Views.DeviceView> items;
        try {
            items = inventory.devices().stream().map(Views.DeviceView::of).toList();
        } catch (IllegalStateException e) {
            throw new ApiProblem(503, "Inventory unavailable", e.getMessage(), null);
        }
        return new Views.DeviceList(inventory.deviceType(), items.size(), items);
    }

    @Override
    String allowed(String path) {
        return "GET";
    }
}
