package org.syshotplug.rtas.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceInventory;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;
import org.syshotplug.rtas.internal.devicetree.Drc;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;

/**
 * The CPU and memory DRCs of a POWER partition as a read-only device inventory (type {@code drc}),
 * with the states {@code hotplug:lsslot -c all} shows: configured/empty for CPUs,
 * assigned/unassigned/reserved for LMBs. It is what the HTTP API's {@code /api/v1/devices/drc} and
 * the web console's slot map read. Published only where the platform is a partition, so other
 * machines' device lists do not grow an always-empty type.
 */
@Component(service = {})
public class DrcInventory implements DeviceInventory {

    private final PseriesPartition partition;
    private final ServiceRegistration<DeviceInventory> registration;

    @Activate
    public DrcInventory(@Reference(name = "files") SystemFiles files, BundleContext context) {
        this.partition = new PseriesPartition(files);
        this.registration = partition.present() ? context.registerService(DeviceInventory.class, this,
                new java.util.Hashtable<>(Map.of(DeviceInventory.DEVICE_TYPE, DeviceRef.DRC))) : null;
    }

    /** Unpublished, for tests. */
    DrcInventory(SystemFiles files) {
        this.partition = new PseriesPartition(files);
        this.registration = null;
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
        }
    }

    @Override
    public String deviceType() {
        return DeviceRef.DRC;
    }

    @Override
    public List<DeviceInfo> devices() {
        try {
            List<DeviceInfo> out = new ArrayList<>();
            Map<Long, String> nodes = partition.cpuNodes();
            for (Drc d : partition.cpuDrcs()) {
                String node = nodes.get(d.index());
                String devices = node == null ? "" : "cpu" + String.join(",cpu", partition
                        .logicalCpus(partition.hardwareThreads(node)).stream().map(String::valueOf).toList());
                out.add(info(d, node == null ? "empty" : "configured", devices));
            }
            Optional<DynamicMemory> drmem = partition.dynamicMemory();
            for (Drc d : partition.memoryDrcs()) {
                Optional<Lmb> lmb = drmem.flatMap(m -> m.byDrcIndex(d.index()));
                String state = lmb.map(l -> l.reserved() ? "reserved" : l.assigned() ? "assigned" : "unassigned")
                        .orElse("unknown");
                String devices = "";
                if (lmb.isPresent() && lmb.get().assigned() && !lmb.get().reserved()) {
                    devices = "memory" + String.join(",memory", partition.blocks(lmb.get(), drmem.get().lmbSize())
                            .stream().map(String::valueOf).toList());
                }
                out.add(info(d, state, devices));
            }
            return out;
        } catch (SystemFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static DeviceInfo info(Drc d, String state, String devices) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("name", d.name());
        attributes.put("drc-type", d.type());
        attributes.put("power-domain", String.valueOf(d.powerDomain()));
        attributes.put("os-device", devices);
        return new DeviceInfo(DeviceRef.of(DeviceRef.DRC, d.indexHex()), state, attributes);
    }
}
