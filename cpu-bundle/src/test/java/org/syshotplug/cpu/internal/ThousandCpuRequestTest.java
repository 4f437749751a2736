package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimConfig;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.GogoShell;
import org.syshotplug.sequencer.internal.Sequencer;

/** A request on 1,000 CPUs of a 1,024-CPU simulated machine: progress a person can read, and one summary line. */
class ThousandCpuRequestTest {

    private SimulatedMachine machine;
    private Sequencer sequencer;
    private GogoShell shell;
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void bigMachine() {
        machine = SimulatedMachine.x86Acpi(SimConfig.x86Acpi(SimConfig.MAX_CPUS, 4));
        sequencer = Chains.cpuChain(machine);
        CpuCommands commands = new CpuCommands(sequencer, machine);
        commands.progressOut = new PrintStream(progress, true, StandardCharsets.UTF_8);
        shell = new GogoShell(commands);
    }

    @AfterEach
    void close() {
        shell.close();
        sequencer.close();
    }

    @Test
    void disablingAThousandCpusPrintsTenthsOfProgressAndOneRangeLine() throws Exception {
        String out = shell.run("hotplug:chcpu -d 1-1000");

        List<String> lines = progress.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 10 && lines.size() <= 30, lines.size() + " progress lines:\n" + String.join("\n", lines));
        assertTrue(lines.get(lines.size() - 1).startsWith("  [1000/1000] execute "), lines.get(lines.size() - 1));
        String[] result = out.split("\n");
        assertEquals("CPUs 1-1000 disabled", result[0]);
        assertTrue(result[1].startsWith("SUCCEEDED: offline cpu:1-1000 (request "), result[1]);
        assertEquals(2, result.length, out);
        assertEquals("0,1001-1023", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void quietPrintsNoProgress() throws Exception {
        shell.run("hotplug:chcpu -q -d 1-1000");

        assertEquals("", progress.toString(StandardCharsets.UTF_8));
    }
}
