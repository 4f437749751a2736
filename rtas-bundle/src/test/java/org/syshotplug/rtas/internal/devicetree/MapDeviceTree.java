package org.syshotplug.rtas.internal.devicetree;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A device tree built in a test, property by property. */
final class MapDeviceTree implements DeviceTree {
    private final Map<String, Map<String, byte[]>> nodes = new LinkedHashMap<>();

    MapDeviceTree put(String node, String property, byte[] value) {
        nodes.computeIfAbsent(node, n -> new LinkedHashMap<>()).put(property, value);
        return this;
    }

    @Override
    public Optional<byte[]> property(String node, String name) {
        return Optional.ofNullable(nodes.getOrDefault(node, Map.of()).get(name));
    }

    @Override
    public List<String> children(String node) {
        List<String> out = new ArrayList<>();
        for (String n : nodes.keySet()) {
            if (!n.equals("/") && DeviceTree.parent(n).equals(node)) {
                out.add(DeviceTree.leaf(n));
            }
        }
        return out;
    }

    @Override
    public List<String> properties(String node) {
        return List.copyOf(nodes.getOrDefault(node, Map.of()).keySet());
    }
}
