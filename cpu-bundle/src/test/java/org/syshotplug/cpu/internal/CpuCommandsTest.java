package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.testing.GogoShell;
import org.syshotplug.sequencer.internal.Sequencer;

/** The chcpu/lscpu-like commands through Gogo's parser, going through the sequencer on the simulated machine. */
class CpuCommandsTest {

    private SimulatedMachine machine;
    private Sequencer sequencer;
    private GogoShell shell;

    @BeforeEach
    void sixCpuMachine() {
        machine = SimulatedMachine.x86Acpi(6, 4);
        sequencer = Chains.cpuChain(machine);
        shell = new GogoShell(new CpuCommands(sequencer, machine));
    }

    @AfterEach
    void close() {
        shell.close();
        sequencer.close();
    }

    @Test
    void chcpuDisablesAListWithRangesThroughTheService() throws Exception {
        String out = shell.run("hotplug:chcpu -d 1,3-5");

        assertEquals("CPU 1 disabled\nCPU 3 disabled\nCPU 4 disabled\nCPU 5 disabled", out);
        assertEquals("0,2", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
        assertEquals("shell", sequencer.history(1).get(0).request().origin());
    }

    @Test
    void chcpuRecordsTheControlSocketsPeerOrElseTheLocalUser() throws Exception {
        shell.run("hotplug:chcpu -d 1");
        assertEquals("shell:" + System.getProperty("user.name"), sequencer.history(1).get(0).request().principal());

        // The variable ControlServer sets for its peer, here set with Gogo's own assignment.
        shell.run("hotplug.principal = uid:1000");
        shell.run("hotplug:chcpu -d 2");
        assertEquals("uid:1000", sequencer.history(1).get(0).request().principal());
    }

    @Test
    void chcpuEnablesThemAgain() throws Exception {
        shell.run("hotplug:chcpu --disable 3-5");

        shell.run("hotplug:chcpu --enable 3-5");

        assertEquals("0-5", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void chcpuNeedsExactlyOneOfEnableOrDisable() {
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chcpu"));
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chcpu -e 1 -d 2"));
    }

    @Test
    void chcpuRefusesHostileListsBeforeAnyRequest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chcpu -d '1;rm'"));

        assertTrue(e.getMessage().contains("1;rm"), e.getMessage());
        assertTrue(sequencer.history(10).isEmpty());
    }

    @Test
    void chcpuFailureThrowsTheResultSummary() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shell.run("hotplug:chcpu -d 0"));

        assertTrue(e.getMessage().contains("REJECTED") && e.getMessage().contains("not hot-pluggable"), e.getMessage());
    }

    @Test
    void cpusListsEveryCpuWithUpperCaseHeaders() throws Exception {
        shell.run("hotplug:chcpu -d 2");

        String[] lines = shell.run("hotplug:cpus").split("\n");

        assertEquals(7, lines.length);
        assertTrue(lines[0].startsWith("CPU  NODE  ONLINE  PRESENT  HOTPLUGGABLE  CPUHP-STATE  CPUHP-TARGET"), lines[0]);
        assertTrue(lines[1].matches("\\s*0\\s+0\\s+yes\\s+yes\\s+no.*"), lines[1]);
        assertTrue(lines[3].matches("\\s*2\\s+0\\s+no\\s+yes\\s+yes.*"), lines[3]);
    }

    @Test
    void cpustatesShowsTheKernelTable() throws Exception {
        String out = shell.run("hotplug:cpustates");

        assertTrue(out.startsWith("STATE  NAME"), out);
        assertTrue(out.contains("workqueue:online"), out);
    }

    @Test
    void chcpuTwiceSaysTheCpuIsAlreadyDisabledLikeUtilLinux() throws Exception {
        shell.run("hotplug:chcpu -d 1");

        String second = shell.run("hotplug:chcpu -d 1");

        assertEquals("CPU 1 is already disabled", second);
        assertEquals(1, sequencer.history(10).size(), "the second chcpu made no request");
    }

    @Test
    void chcpuOfAMissingCpuNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chcpu -d 9"));

        assertTrue(e.getMessage().startsWith("CPU 9 does not exist"), e.getMessage());
    }

    @Test
    void cpusAsJsonCarriesTheTableValues() throws Exception {
        shell.run("hotplug:chcpu -d 2");

        JsonNode cpus = new ObjectMapper().readTree(shell.run("hotplug:cpus --json")).get("cpus");

        assertEquals(6, cpus.size());
        assertEquals(2, cpus.get(2).get("cpu").asInt());
        assertFalse(cpus.get(2).get("online").asBoolean());
        assertTrue(cpus.get(1).get("online").asBoolean());
    }

    @Test
    void cpusRawWithoutHeadingsIsOneSpaceApart() throws Exception {
        String[] lines = shell.run("hotplug:cpus -r -n").split("\n");

        assertEquals(6, lines.length);
        assertTrue(lines[1].startsWith("1 0 yes yes yes"), lines[1]);
    }

    @Test
    void helpOptionPrintsTheGeneratedHelp() throws Exception {
        String help = shell.run("hotplug:chcpu --help");

        assertTrue(help.startsWith("hotplug:chcpu - enable (online) or disable (offline) CPUs"), help);
        assertTrue(help.contains("-d, --disable VALUE"), help);
    }
}
