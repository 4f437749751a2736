package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.PlatformEvents;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;
import org.syshotplug.platform.testing.GogoShell;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.DlparResource;
import org.syshotplug.rtas.internal.dlpar.HotplugErrorLog;
import org.syshotplug.sequencer.internal.Sequencer;

class DlparCommandsTest {
    private SimulatedMachine machine;
    private Sequencer sequencer;
    private GogoShell shell;

    @BeforeEach
    void lpar() {
        machine = SimulatedMachine.create(PseriesProfile.lpar(2, 4, 8, 4, 2));
        sequencer = DlparChain.on(machine);
        shell = new GogoShell(new DlparCommands(sequencer, machine));
    }

    @AfterEach
    void close() {
        shell.close();
        sequencer.close();
    }

    @Test
    void lsslotListsEveryDrcWithStateAndOsDevice() throws Exception {
        String table = shell.run("hotplug:lsslot -c all");
        List<String> lines = table.lines().toList();

        assertTrue(lines.get(0).matches("NAME +INDEX +TYPE +POWER-DOMAIN +STATE +OS-DEVICE"), lines.get(0));
        assertEquals(1 + 4 + 4, lines.size(), table);
        assertTrue(lines.get(1).matches("CPU 0 +0x10000000 +CPU +-1 +configured +cpu0"), lines.get(1));
        assertTrue(lines.get(3).matches("CPU 2 +0x10000002 +CPU +-1 +empty +-"), lines.get(3));
        assertTrue(lines.get(5).matches("LMB 8 +0x80000008 +MEM +-1 +assigned +memory8"), lines.get(5));
        assertTrue(lines.get(8).matches("LMB 11 +0x8000000b +MEM +-1 +unassigned +-"), lines.get(8));
    }

    @Test
    void dlparCommandGoesThroughTheHotplugService() throws Exception {
        String summary = shell.run("hotplug:dlpar memory add count 2");

        assertTrue(summary.startsWith("SUCCEEDED: add "), summary);
        assertTrue(shell.run("hotplug:lsslot -c mem --json").contains("memory11"));
        assertEquals("shell", sequencer.history(1).get(0).request().origin());
    }

    @Test
    void dlparAndDrmgrRecordTheControlSocketsPeerOrElseTheLocalUser() throws Exception {
        shell.run("hotplug:dlpar memory add count 1");
        assertEquals("shell:" + System.getProperty("user.name"), sequencer.history(1).get(0).request().principal());

        // The variable ControlServer sets for its peer, here set with Gogo's own assignment.
        shell.run("hotplug.principal = uid:1000");
        shell.run("hotplug:drmgr -c mem -a -q 1");
        assertEquals("uid:1000", sequencer.history(1).get(0).request().principal());
    }

    @Test
    void malformedDlparCommandNamesTheToken() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:dlpar memory frob count 1"));
        assertTrue(e.getMessage().contains("invalid action 'frob' (token 2): expected add or remove"), e.getMessage());
    }

    @Test
    void refusedDlparCommandThrowsTheOutcome() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shell.run("hotplug:dlpar \"memory add count 9\""));
        assertTrue(e.getMessage().contains("REJECTED") && e.getMessage().contains("EINVAL"), e.getMessage());
    }

    @Test
    void firmwareErrorLogEventBecomesARequest() throws Exception {
        byte[] log = HotplugErrorLog.encodeEventLog(DlparCommand.byIndex(DlparResource.CPU, DlparAction.ADD, 0x10000003L));
        new ErrorLogListener(sequencer).handleEvent(new Event(PlatformEvents.RTAS_HOTPLUG, Map.of(PlatformEvents.ERROR_LOG, log)));

        HotplugResult result = waitForHistory();
        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals("1", machine.readValue(KernelPaths.cpu(2, "online")));
    }

    @Test
    void drmgrAddsMemoryByQuantityLikeDlpar() throws Exception {
        String out = shell.run("hotplug:drmgr -c mem -a -q 2");

        assertTrue(out.startsWith("SUCCEEDED: add "), out);
        assertTrue(out.endsWith("\nDR_TOTAL_RESOURCES=2"), out);
        assertEquals(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 2).toRequest().parameters(),
                sequencer.history(1).get(0).request().parameters());
    }

    @Test
    void drmgrRemovesACpuByDrcNameOrIndex() throws Exception {
        assertTrue(shell.run("hotplug:lsslot -c cpu").contains("\nCPU 1 "));

        String out = shell.run("hotplug:drmgr -c cpu -r -s \"CPU 1\"");

        assertTrue(out.startsWith("SUCCEEDED: remove "), out);
        assertTrue(!shell.run("hotplug:lsslot -c cpu").contains("\nCPU 1 "));
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:drmgr -c pci -a -s 0x1"));
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:drmgr -c cpu -q 1"));
    }

    @Test
    void lsslotMemPrintsOneBlockPerOwnedLmbLikePowerpcUtils() throws Exception {
        List<String> lines = shell.run("hotplug:lsslot -c mem").lines().toList();

        assertEquals("Dynamic Reconfiguration Memory (LMB size 0x10000000)", lines.get(0));
        assertEquals("LMB 8: ", lines.get(1));
        assertEquals("    DRC Index: 80000008        Address: 80000000", lines.get(2));
        assertEquals("    Removable: Yes             Associativity: (index: 0) 0 ", lines.get(3));
        assertEquals("    Section(s): 8", lines.get(4));
        assertEquals(1 + 4 * 2, lines.size(), String.join("\n", lines));
    }

    @Test
    void lsslotDelimiterAndJsonForScripts() throws Exception {
        String cpus = shell.run("hotplug:lsslot -c cpu -F :");
        String json = shell.run("hotplug:lsslot -c mem --json");

        assertTrue(cpus.startsWith("CPU 0:"), cpus);
        assertTrue(json.contains("\"drc-index\" : \"0x80000008\""), json);
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:lsslot -c disk"));
    }

    @Test
    void lsslotSlotAndPciListWhatThePartitionHas() throws Exception {
        String slots = shell.run("hotplug:lsslot");

        assertTrue(slots.startsWith("no I/O slot connectors") || slots.startsWith("# Slot"), slots);
    }

    private HotplugResult waitForHistory() throws Exception {
        // The listener does not hand out its promise; the sequencer's queue runs one request at a
        // time, so a second request submitted now resolves only after the first has ended.
        sequencer.submit(DlparCommand.byCount(DlparResource.MEMORY, DlparAction.ADD, 0).toRequest()).getValue();
        return sequencer.history(2).get(0);
    }
}
