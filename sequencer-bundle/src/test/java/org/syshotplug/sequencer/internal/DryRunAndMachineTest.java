package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;

/** A dry run that would go ahead ends DRY_RUN; every result names the machine it ran on. */
class DryRunAndMachineTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults().withMachine("simulated x86-acpi 4 CPUs"));

    @AfterEach
    void stop() {
        sequencer.close();
    }

    @Test
    void dryRunWhoseValidatePassedEndsDryRunAndCountsAsSuccess() throws Exception {
        sequencer.addHandler(new ScriptedHandler("v", journal), ScriptedHandler.props("v", "validate", 100));
        sequencer.addHandler(new ScriptedHandler("e", journal), ScriptedHandler.props("e", "execute", 400));

        HotplugResult r = sequencer.submit(HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1))
                .dryRun(true).build()).getValue();

        assertEquals(Outcome.DRY_RUN, r.outcome());
        assertTrue(r.succeeded());
        assertEquals(List.of("validate:v"), journal.entries());
    }

    @Test
    void dryRunStillReportsThatNobodyWouldCarryItOutAsDryRunNotAsAChange() throws Exception {
        HotplugResult r = sequencer.submit(HotplugRequest.builder(Operation.OFFLINE).target(DeviceRef.cpu(1))
                .dryRun(true).build()).getValue();

        assertEquals(Outcome.DRY_RUN, r.outcome());
    }

    @Test
    void everyResultIsStampedWithTheMachineAndAChangeAppliesToTheNextResult() throws Exception {
        sequencer.addHandler(new ScriptedHandler("e", journal), ScriptedHandler.props("e", "execute", 400));
        HotplugResult before = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();
        sequencer.updateSettings(sequencer.settings().withMachine("linux root=/"));
        HotplugResult after = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();
        sequencer.close();
        HotplugResult refused = sequencer.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

        assertEquals("simulated x86-acpi 4 CPUs", before.machine());
        assertEquals("linux root=/", after.machine());
        assertEquals("linux root=/", refused.machine());
        assertEquals(List.of(before.machine(), after.machine()),
                new ArrayList<>(sequencer.history(3).stream().map(HotplugResult::machine).toList()).subList(0, 2));
    }
}
