package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The lsmem/chmem-like commands through Gogo's parser on the simulated machine, going through the sequencer. */
class MemoryCommandsTest {

    private SimulatedMachine machine;
    private Sequencer sequencer;
    private GogoShell shell;

    @BeforeEach
    void eightBlockMachine() {
        machine = SimulatedMachine.x86Acpi(2, 8);
        sequencer = Chains.memoryChain(machine, Config.defaults());
        shell = new GogoShell(new MemoryCommands(sequencer, machine));
    }

    @AfterEach
    void close() {
        shell.close();
        sequencer.close();
    }

    private String state(int block) throws Exception {
        return machine.readValue(KernelPaths.memoryBlock(block, "state"));
    }

    @Test
    void chmemDisableBySizeThenLsmemShowsTheOfflineRange() throws Exception {
        shell.run("hotplug:chmem -d 256M");

        String lsmem = shell.run("hotplug:lsmem");

        assertTrue(lsmem.startsWith("RANGE"), lsmem);
        assertTrue(lsmem.contains("0x0000000030000000-0x000000003fffffff 256M offline"), lsmem);
        assertTrue(lsmem.contains("Total offline memory:    256M"), lsmem);
    }

    @Test
    void chmemEnableByBlocksWithAZone() throws Exception {
        shell.run("hotplug:chmem -d -b 5-6");

        shell.run("hotplug:chmem -e -z Movable -b 5-6");

        assertEquals("online", state(5));
        assertEquals("Movable", machine.readValue(KernelPaths.memoryBlock(6, "valid_zones")));
    }

    @Test
    void chmemRecordsTheControlSocketsPeerOrElseTheLocalUser() throws Exception {
        shell.run("hotplug:chmem -d -b 5");
        assertEquals("shell:" + System.getProperty("user.name"), sequencer.history(1).get(0).request().principal());

        // The variable ControlServer sets for its peer, here set with Gogo's own assignment.
        shell.run("hotplug.principal = uid:1000");
        shell.run("hotplug:chmem -d -b 6");
        assertEquals("uid:1000", sequencer.history(1).get(0).request().principal());
    }

    @Test
    void chmemByRange() throws Exception {
        shell.run("hotplug:chmem -d 0x0000000010000000-0x000000001fffffff");

        assertEquals("offline", state(2));
        assertEquals("offline", state(3));
        assertEquals("online", state(4));
    }

    @Test
    void chmemRefusesABadSizeNamingIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> shell.run("hotplug:chmem -d 1Q"));

        assertTrue(e.getMessage().contains("REJECTED") && e.getMessage().contains("'1Q'"), e.getMessage());
    }

    @Test
    void chmemNeedsExactlyOneOfEnableOrDisable() {
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chmem -e -d 1G"));
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:chmem 1G"));
    }

    @Test
    void lsmemSummaryOnly() throws Exception {
        assertEquals("Memory block size:       128M\nTotal online memory:       1G\nTotal offline memory:      0B\n",
                shell.run("hotplug:lsmem --summary"));
    }

    @Test
    void lsmemAllListsEveryBlock() throws Exception {
        assertEquals(1 + 8 + 1 + 3, shell.run("hotplug:lsmem -a").split("\n").length);
    }

    @Test
    void lsmemWithNodeAndZoneColumns() throws Exception {
        String header = shell.run("hotplug:lsmem -o RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES").split("\n")[0];

        assertTrue(header.matches("RANGE\\s+SIZE\\s+STATE\\s+REMOVABLE\\s+BLOCK\\s+NODE\\s+ZONES"), header);
    }

    @Test
    void lsmemRefusesUnknownColumns() {
        assertThrows(IllegalArgumentException.class, () -> shell.run("hotplug:lsmem -o RANGE,BOGUS"));
    }

    @Test
    void lsmemAsJsonCarriesTheTableValuesUnderMemoryLikeLsmemJ() throws Exception {
        shell.run("hotplug:chmem -d -b 5-6");

        JsonNode memory = new ObjectMapper().readTree(shell.run("hotplug:lsmem --json")).get("memory");
        String[] table = shell.run("hotplug:lsmem -r -n").split("\n");

        assertEquals(table.length, memory.size());
        assertEquals("0x0000000000000000-0x0000000027ffffff", memory.get(0).get("range").asText());
        assertEquals("640M", memory.get(0).get("size").asText());
        assertTrue(memory.get(0).get("removable").asBoolean());
        assertEquals("5-6", memory.get(1).get("block").asText());
        assertEquals("offline", memory.get(1).get("state").asText());
        assertEquals("0x0000000028000000-0x0000000037ffffff 256M offline  5-6", table[1]);
    }

    @Test
    void chmemResultIsOneLineWithTheBlocksAsRanges() throws Exception {
        String out = shell.run("hotplug:chmem -q -d -b 4-7");

        assertTrue(out.startsWith("SUCCEEDED: offline memory:4-7 (request "), out);
    }

    @Test
    void lsmemHelpComesFromTheDescriptors() throws Exception {
        String help = shell.run("hotplug:lsmem --help");

        assertTrue(help.startsWith("hotplug:lsmem - list memory ranges like lsmem"), help);
        assertTrue(help.contains("-r, --raw"), help);
    }
}
