package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceInfo;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.platform.internal.linux.LinuxSystemFiles;

/** The CPU inventory read from the platform bundle's capture of this VM's sysfs. */
class CpuInventoryOnVmFixtureTest {

    static final Path VM_SYSFS = Path.of("../platform-bundle/src/test/resources/fixtures/vm-linux");

    @Test
    void bootCpuIsNotHotpluggableAndCpu1IsOnlineAtTheLastCpuhpState() {
        List<DeviceInfo> cpus = new CpuInventory(new LinuxSystemFiles(VM_SYSFS)).devices();

        assertEquals(List.of(DeviceRef.cpu(0), DeviceRef.cpu(1)), cpus.stream().map(DeviceInfo::ref).toList());
        assertEquals("online", cpus.get(0).state());
        assertEquals(Map.of("present", "yes", "hotpluggable", "no", "node", "0", "cpuhp.state", "236", "cpuhp.target", "236"),
                cpus.get(0).attributes());
        assertEquals(Map.of("present", "yes", "hotpluggable", "yes", "node", "0", "cpuhp.state", "236", "cpuhp.target", "236"),
                cpus.get(1).attributes());
    }

    @Test
    void statesTableHasWorkqueueOnlineAmongItsLines() throws Exception {
        List<CpuhpState> states = new CpuTopology(new LinuxSystemFiles(VM_SYSFS)).states();

        assertEquals(76, states.size());
        assertEquals(new CpuhpState(187, "workqueue:online"),
                states.stream().filter(s -> s.name().equals("workqueue:online")).findFirst().orElseThrow());
    }
}
