package org.syshotplug.node.internal;

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

/** The NUMA nodes, one per possible node, with their CPUs, blocks, memory, masks and firmware object. */
@Component(service = DeviceInventory.class, property = DeviceInventory.DEVICE_TYPE + "=" + DeviceRef.NODE)
public class NodeInventory implements DeviceInventory {

    private final NodeTopology topology;
    private final NodeFirmwareView firmware;

    @Activate
    public NodeInventory(@Reference(name = "files") SystemFiles files) {
        this.topology = new NodeTopology(files);
        this.firmware = new NodeFirmwareView(files);
    }

    @Override
    public String deviceType() {
        return DeviceRef.NODE;
    }

    @Override
    public List<DeviceInfo> devices() {
        try {
            List<NumaNode> nodes = topology.present() ? topology.nodes() : List.of();
            Map<Integer, String> objects = firmware.objects(nodes);
            List<DeviceInfo> infos = new ArrayList<>();
            for (NumaNode n : nodes) {
                Map<String, String> a = new LinkedHashMap<>();
                a.put("cpus", NodeList.format(n.cpus()));
                a.put("online-cpus", NodeList.format(n.onlineCpus()));
                a.put("blocks", NodeList.format(n.blocks()));
                a.put("memory", NodeReport.human(n.memTotalKb()));
                a.put("free", NodeReport.human(n.memFreeKb()));
                a.put("has_cpu", n.hasCpu() ? "yes" : "no");
                a.put("has_memory", n.hasMemory() ? "yes" : "no");
                a.put("has_normal_memory", n.hasNormalMemory() ? "yes" : "no");
                a.put("firmware", objects.getOrDefault(n.id(), "-"));
                infos.add(new DeviceInfo(DeviceRef.of(DeviceRef.NODE, Integer.toString(n.id())),
                        n.online() ? "online" : "offline", a));
            }
            return infos;
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot list the NUMA nodes: " + e.getMessage(), e);
        }
    }
}
