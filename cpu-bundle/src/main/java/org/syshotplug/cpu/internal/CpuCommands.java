package org.syshotplug.cpu.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.platform.SystemFileException;
import org.syshotplug.platform.SystemFiles;

/**
 * {@code lscpu -e} / {@code chcpu}-like commands. Changes go through {@link HotplugService}, so they
 * queue behind other requests and pass every handler's validation like any other request.
 */
@Component(service = CpuCommands.class, property = {
        "osgi.command.scope=hotplug",
        "osgi.command.function=cpus",
        "osgi.command.function=chcpu",
        "osgi.command.function=cpustates"})
public class CpuCommands {

    private final HotplugService hotplug;
    private final CpuTopology topology;

    @Activate
    public CpuCommands(@Reference(name = "hotplug") HotplugService hotplug, @Reference(name = "files") SystemFiles files) {
        this.hotplug = hotplug;
        this.topology = new CpuTopology(files);
    }

    @Descriptor("list the CPUs like lscpu -e: online state, hot-pluggability, NUMA node and cpuhp state")
    public String cpus() throws SystemFileException {
        TextTable table = new TextTable("CPU", "NODE", "ONLINE", "PRESENT", "HOTPLUGGABLE", "CPUHP", "TARGET")
                .right(0, 1, 5, 6);
        for (Cpu cpu : topology.cpus()) {
            table.row(cpu.id(), cpu.node(), cpu.online() ? "yes" : "no", cpu.present() ? "yes" : "no",
                    cpu.hotpluggable() ? "yes" : "no", cpu.cpuhpState(), cpu.cpuhpTarget());
        }
        return table.toString();
    }

    @Descriptor("enable (online) or disable (offline) CPUs like chcpu, through the hot-plug request queue")
    public String chcpu(
            @Descriptor("CPUs to enable, a list or ranges such as 1,3-5")
            @Parameter(names = {"-e", "--enable"}, absentValue = "") String enable,
            @Descriptor("CPUs to disable, a list or ranges such as 1,3-5")
            @Parameter(names = {"-d", "--disable"}, absentValue = "") String disable)
            throws InterruptedException, InvocationTargetException {
        if (enable.isEmpty() == disable.isEmpty()) {
            throw new IllegalArgumentException("give exactly one of -e <cpu-list> or -d <cpu-list>, e.g. chcpu -e 1,3-5");
        }
        Operation operation = enable.isEmpty() ? Operation.OFFLINE : Operation.ONLINE;
        SortedSet<Integer> ids = CpuList.parse(enable.isEmpty() ? disable : enable);
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("the CPU list is empty: name CPUs such as 1 or 3-5");
        }
        List<DeviceRef> targets = new ArrayList<>();
        ids.forEach(id -> targets.add(DeviceRef.cpu(id)));
        HotplugRequest request = HotplugRequest.builder(operation).targets(targets).origin("shell").build();
        HotplugResult result = hotplug.submit(request).getValue();
        if (!result.succeeded()) {
            throw new IllegalStateException(result.summary());
        }
        return result.summary();
    }

    @Descriptor("show the kernel's cpuhp state table (/sys/devices/system/cpu/hotplug/states)")
    public String cpustates() throws SystemFileException {
        TextTable table = new TextTable("STATE", "NAME").right(0);
        for (CpuhpState state : topology.states()) {
            table.row(state.number(), state.name());
        }
        return table.toString();
    }
}
