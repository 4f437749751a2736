package org.syshotplug.memory.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/** The memory blocks, one per device, with their physical range, zones and node. */
@Component(service = DeviceInventory.class, property = DeviceInventory.DEVICE_TYPE + "=" + DeviceRef.MEMORY)
public class MemoryInventory implements DeviceInventory {

    static final String RANGE = "range";
    static final String SIZE = "size";
    static final String REMOVABLE = "removable";
    static final String ZONES = "zones";
    static final String NODE = "node";

    private final MemoryTopology topology;

    @Activate
    public MemoryInventory(@Reference(name = "files") SystemFiles files) {
        this.topology = new MemoryTopology(files);
    }

    @Override
    public String deviceType() {
        return DeviceRef.MEMORY;
    }

    @Override
    public List<DeviceInfo> devices() {
        try {
            List<DeviceInfo> infos = new ArrayList<>();
            for (MemoryBlock block : topology.blocks()) {
                infos.add(info(block));
            }
            infos.sort((a, b) -> a.ref().compareTo(b.ref()));
            return infos;
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot list memory blocks: " + e.getMessage(), e);
        }
    }

    static DeviceInfo info(MemoryBlock block) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(RANGE, new PhysicalRange(block.start(), block.end()).toString());
        attributes.put(SIZE, MemorySize.human(block.blockSize()));
        attributes.put(REMOVABLE, block.removable() ? "yes" : "no");
        attributes.put(ZONES, String.join(" ", block.validZones()));
        attributes.put(NODE, block.node() == null ? "-" : block.node().toString());
        return new DeviceInfo(DeviceRef.memory(block.id()), block.state(), attributes);
    }
}
