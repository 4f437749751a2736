package org.syshotplug.cpu.internal;

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

/** The CPUs as {@code lscpu -e} would list them, for the shell and for resource handlers. */
@Component(service = DeviceInventory.class, property = DeviceInventory.DEVICE_TYPE + "=" + DeviceRef.CPU)
public class CpuInventory implements DeviceInventory {

    static final String PRESENT = "present";
    static final String HOTPLUGGABLE = "hotpluggable";
    static final String NODE = "node";
    static final String CPUHP_STATE = "cpuhp.state";
    static final String CPUHP_TARGET = "cpuhp.target";

    private final CpuTopology topology;

    @Activate
    public CpuInventory(@Reference(name = "files") SystemFiles files) {
        this.topology = new CpuTopology(files);
    }

    @Override
    public String deviceType() {
        return DeviceRef.CPU;
    }

    @Override
    public List<DeviceInfo> devices() {
        try {
            List<DeviceInfo> infos = new ArrayList<>();
            for (Cpu cpu : topology.cpus()) {
                infos.add(info(cpu));
            }
            return infos;
        } catch (SystemFileException e) {
            throw new IllegalStateException("cannot list CPUs: " + e.getMessage(), e);
        }
    }

    static DeviceInfo info(Cpu cpu) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(PRESENT, yesNo(cpu.present()));
        attributes.put(HOTPLUGGABLE, yesNo(cpu.hotpluggable()));
        attributes.put(NODE, cpu.node() == null ? "-" : cpu.node().toString());
        if (cpu.cpuhpState() != null) {
            attributes.put(CPUHP_STATE, cpu.cpuhpState().toString());
        }
        if (cpu.cpuhpTarget() != null) {
            attributes.put(CPUHP_TARGET, cpu.cpuhpTarget().toString());
        }
        return new DeviceInfo(DeviceRef.cpu(cpu.id()), cpu.online() ? "online" : "offline", attributes);
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
