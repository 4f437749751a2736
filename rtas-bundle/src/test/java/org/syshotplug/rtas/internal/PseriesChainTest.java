package org.syshotplug.rtas.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Outcome;
import org.syshotplug.platform.KernelPaths;
import org.syshotplug.platform.internal.sim.SimulatedMachine;
import org.syshotplug.platform.internal.sim.pseries.PseriesProfile;
import org.syshotplug.rtas.internal.devicetree.DrcTable;
import org.syshotplug.rtas.internal.devicetree.DynamicMemory;
import org.syshotplug.rtas.internal.devicetree.Lmb;
import org.syshotplug.rtas.internal.devicetree.ProcDeviceTree;
import org.syshotplug.rtas.internal.dlpar.DlparAction;
import org.syshotplug.rtas.internal.dlpar.DlparCommand;
import org.syshotplug.rtas.internal.dlpar.DlparGrammar;
import org.syshotplug.rtas.internal.dlpar.DlparResource;
import org.syshotplug.rtas.internal.dlpar.HotplugErrorLog;
import org.syshotplug.sequencer.internal.Sequencer;

/**
 * DLPAR through the whole chain (sequencer, resource and DRC handlers, CPU and memory handlers) on a
 * simulated LPAR: 2 of 8 cores, 8 boot LMBs, 24 LMB DRCs of which the first two are assigned.
 */
class PseriesChainTest {
    private SimulatedMachine machine;
    private Sequencer sequencer;

    @BeforeEach
    void lpar() {
        machine = SimulatedMachine.create(PseriesProfile.lpar(2, 8, 8, 24, 2));
        sequencer = DlparChain.on(machine);
    }

    @AfterEach
    void close() {
        sequencer.close();
    }

    private HotplugResult dlpar(String request) throws Exception {
        return sequencer.submit(DlparGrammar.extended().parse(request).toRequest()).getValue();
    }

    private Lmb lmb(long index) {
        return DynamicMemory.read(new ProcDeviceTree(machine)).orElseThrow().byDrcIndex(index).orElseThrow();
    }

    private boolean blockOnline(int block) throws Exception {
        return machine.exists(KernelPaths.memoryBlock(block)) && machine.readValue(KernelPaths.memoryBlock(block, "state")).equals("online");
    }

    @Test
    void memoryAddCountFourThenRemoveCountTwoSucceedThroughTheWholeChain() throws Exception {
        HotplugResult added = dlpar("memory add count 4");

        assertEquals(Outcome.SUCCEEDED, added.outcome(), added.summary());
        for (long index = 0x8000000aL; index <= 0x8000000dL; index++) {
            assertTrue(lmb(index).assigned(), Long.toHexString(index));
            assertTrue(blockOnline((int) (index & 0xff)), "block " + (index & 0xff));
        }
        assertTrue(added.devices().containsAll(List.of(DeviceRef.of("drc", "0x8000000a"), DeviceRef.memory(13))));
        assertFalse(lmb(0x8000000eL).assigned());

        HotplugResult removed = dlpar("memory remove count 2");

        assertEquals(Outcome.SUCCEEDED, removed.outcome(), removed.summary());
        assertFalse(lmb(0x80000008L).assigned(), "the kernel takes removable LMBs from the lowest address");
        assertFalse(lmb(0x80000009L).assigned());
        assertFalse(machine.exists(KernelPaths.memoryBlock(8)));
        assertFalse(machine.exists(KernelPaths.memoryBlock(9)));
        assertTrue(blockOnline(10));
    }

    @Test
    void cpuAddByIndexThenRemoveByErrorLogNamingTheDrcSucceed() throws Exception {
        HotplugResult added = dlpar("cpu add index 0x10000002");

        assertEquals(Outcome.SUCCEEDED, added.outcome(), added.summary());
        assertEquals(List.of(DeviceRef.of("drc", "0x10000002"), DeviceRef.cpu(2)), added.devices());
        assertEquals("1", machine.readValue(KernelPaths.cpu(2, "online")));
        assertEquals(0x10000002L, DrcTable.myDrcIndex(new ProcDeviceTree(machine), "/cpus/PowerPC,POWER9@2").orElseThrow());

        byte[] errorLog = HotplugErrorLog.encodeSection(DlparCommand.byName(DlparResource.CPU, DlparAction.REMOVE, "CPU 2"));
        HotplugResult removed = new ErrorLogListener(sequencer).submit(errorLog).getValue();

        assertEquals(Outcome.SUCCEEDED, removed.outcome(), removed.summary());
        assertEquals("dlpar", removed.request().origin());
        assertEquals(List.of(DeviceRef.of("drc", "0x10000002"), DeviceRef.cpu(2)), removed.devices());
        assertFalse(machine.exists(KernelPaths.cpu(2)));
        assertFalse(new ProcDeviceTree(machine).hasNode("/cpus/PowerPC,POWER9@2"));
        assertEquals("0-1", machine.readValue(KernelPaths.CPU_ROOT + "/online"));
    }

    @Test
    void removeByCountThatCannotTakeEveryLmbIsRolledBackWithEachLmbRestored() throws Exception {
        assertEquals(Outcome.SUCCEEDED, dlpar("memory add count 2").outcome());
        machine.setUnmovable(11, true);

        HotplugResult result = dlpar("memory remove count 4");

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
        assertEquals(Errno.EBUSY, result.error().errno());
        for (int block = 8; block <= 11; block++) {
            assertTrue(blockOnline(block), "memory" + block + " is online again");
            assertTrue(lmb(0x80000000L + block).assigned(), "LMB " + block + " is still assigned");
        }
    }

    @Test
    void removeByCountBeyondTheRemovableLmbsIsRefusedAsTheKernelDoes() throws Exception {
        HotplugResult result = dlpar("memory remove count 3");

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.EINVAL, result.error().errno());
        assertTrue(result.error().message().contains("Not enough LMBs available (2 of 3)"), result.error().message());
        assertTrue(lmb(0x80000008L).assigned());
    }

    @Test
    void indexedCountAddOfAssignedLmbsIsANoOpSuccess() throws Exception {
        HotplugResult result = dlpar("memory add indexed-count 2 0x80000008");

        assertEquals(Outcome.SUCCEEDED, result.outcome(), result.summary());
        assertEquals(List.of(), result.devices());
    }

    @Test
    void addByIndexOfAnAssignedLmbIsRefusedWithEperm() throws Exception {
        HotplugResult result = dlpar("memory add index 0x80000008");

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.EPERM, result.error().errno());
    }

    @Test
    void cpuByCountPicksDrcsAsDrmgrDoesAndNeverTheLastCore() throws Exception {
        HotplugResult added = dlpar("cpu add count 2");
        assertEquals(Outcome.SUCCEEDED, added.outcome(), added.summary());
        assertTrue(added.devices().containsAll(List.of(DeviceRef.of("drc", "0x10000007"), DeviceRef.of("drc", "0x10000006"))));
        assertEquals("0-3", machine.readValue(KernelPaths.CPU_ROOT + "/online"));

        HotplugResult tooMany = dlpar("cpu remove count 4");
        assertEquals(Outcome.REJECTED, tooMany.outcome());
        assertEquals(Errno.EINVAL, tooMany.error().errno());
    }

    @Test
    void addThatTheFirmwareRefusesIsRolledBackWithTheKernelsErrno() throws Exception {
        machine = SimulatedMachine.create(PseriesProfile.qemuGuest());
        sequencer.close();
        sequencer = DlparChain.on(machine);

        HotplugResult result = dlpar("memory add count 2");

        assertEquals(Outcome.ROLLED_BACK, result.outcome(), result.summary());
        assertEquals(Errno.EINVAL, result.error().errno());
        assertFalse(lmb(0x8000000aL).assigned());
        assertFalse(machine.exists(KernelPaths.memoryBlock(10)));
    }

    @Test
    void cpuRemoveOfAnUnconfiguredCoreIsRefusedWithEnodev() throws Exception {
        HotplugResult result = dlpar("cpu remove drc-name \"CPU 5\"");

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.ENODEV, result.error().errno());
    }

    @Test
    void ioDeviceTreeRequestsAreLeftToDrmgr() throws Exception {
        HotplugResult result = dlpar("dt add index 0x20000001");

        assertEquals(Outcome.REJECTED, result.outcome());
        assertEquals(Errno.EOPNOTSUPP, result.error().errno());
    }
}
