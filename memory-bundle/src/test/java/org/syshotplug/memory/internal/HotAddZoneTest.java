package org.syshotplug.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Phase;
import org.syshotplug.platform.testing.TestContext;
import org.syshotplug.spi.HotplugException;

class HotAddZoneTest {

    static TestContext context(Operation op) {
        return new TestContext(HotplugRequest.of(op, DeviceRef.memory(32)), Phase.VALIDATE);
    }

    @Test
    void policyWordsAndTheKernelWordsAreAccepted() {
        assertEquals(HotAddZone.MOVABLE, HotAddZone.parse(" Movable "));
        assertEquals(HotAddZone.MOVABLE, HotAddZone.parse("online_movable"));
        assertEquals(HotAddZone.KERNEL, HotAddZone.parse("kernel"));
        assertEquals(HotAddZone.DEFAULT, HotAddZone.parse("default"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HotAddZone.parse("dma"));
        assertTrue(e.getMessage().contains("'dma'"), e.getMessage());
    }

    @Test
    void onlyAnAddFollowsTheHotAddPolicy() throws Exception {
        ZoneChoice add = ZoneChoice.of(context(Operation.ADD), Config.defaults(), MemoryValidateHandler.hotAdd("movable"));
        ZoneChoice online = ZoneChoice.of(context(Operation.ONLINE), Config.defaults(), MemoryValidateHandler.hotAdd("movable"));
        ZoneChoice asOnline = ZoneChoice.of(context(Operation.ADD), Config.defaults(), MemoryValidateHandler.hotAdd("default"));

        assertEquals(OnlineZone.MOVABLE, add.zone());
        assertTrue(add.hotAdd());
        assertEquals(OnlineZone.ONLINE, online.zone());
        assertFalse(online.hotAdd());
        assertEquals(OnlineZone.ONLINE, asOnline.zone());
    }

    @Test
    void aBlockThatCannotBeMovableFallsBackOnlyForThePolicy() throws Exception {
        ZoneChoice policy = ZoneChoice.of(context(Operation.ADD), Config.defaults(), MemoryValidateHandler.hotAdd("movable"));

        assertEquals(OnlineZone.ONLINE, policy.forBlock(List.of("Normal")));
        assertEquals(OnlineZone.MOVABLE, policy.forBlock(List.of("Normal", "Movable")));
        assertEquals(OnlineZone.MOVABLE, new ZoneChoice(OnlineZone.MOVABLE, false, null).forBlock(List.of("Normal")));
    }

    @Test
    void aBadHotAddZoneInTheConfigurationIsAVetoNamingThePid() {
        HotplugException e = assertThrows(HotplugException.class, () -> ZoneChoice.of(context(Operation.ADD),
                Config.defaults(), MemoryValidateHandler.hotAdd("sideways")));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("'sideways'") && e.getMessage().contains(MemoryConfig.PID), e.getMessage());
    }
}
