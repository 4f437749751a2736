package org.syshotplug.acpi.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;

/** The parser on the MADT the simulated firmware generates, checked against the simulated kernel's CPU masks. */
class MadtOnSimulatedMachineTest {

    @Test
    void generatedTableWithX2ApicSlotsMatchesPresentAndPossibleCpus() throws Exception {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(SimConfig.builder().profile("x86-acpi").cpus(4)
                .possibleCpus(260).memoryBlocks(8).build());

        Madt madt = MadtParser.parse(machine.readBytes(KernelPaths.MADT));

        assertTrue(madt.checksumValid());
        assertEquals(5, madt.revision());
        TreeSet<Long> present = MadtParserTest.cpuList(machine.read(KernelPaths.CPU_ROOT + "/present"));
        TreeSet<Long> possible = MadtParserTest.cpuList(machine.read(KernelPaths.CPU_ROOT + "/possible"));
        assertEquals(present, madt.enabledCpus().stream().map(CpuSlot::apicId)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(possible, madt.cpuSlots().stream().filter(CpuSlot::usable).map(CpuSlot::apicId)
                .collect(Collectors.toCollection(TreeSet::new)));
        assertEquals(256, madt.hotPluggableCpus().size());
        List<CpuSlot> x2 = madt.cpuSlots().stream().filter(CpuSlot::x2Apic).toList();
        assertEquals(List.of(255L, 256L, 257L, 258L, 259L), x2.stream().map(CpuSlot::apicId).toList());
        assertTrue(x2.stream().allMatch(CpuSlot::onlineCapable));
    }

    @Test
    void madtViewOfTheSimulatorCountsHotPluggableSlots() {
        SimulatedMachine machine = SimulatedMachine.x86Acpi(SimConfig.builder().profile("x86-acpi").cpus(2)
                .possibleCpus(8).memoryBlocks(4).build());

        String out = new AcpiCommands(machine).madt(false);

        assertTrue(out.contains("8 CPU slots: 2 enabled, 6 hot-pluggable"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("7 +7 +LAPIC +no +yes +hot-pluggable +\\d+")), out);
    }
}
