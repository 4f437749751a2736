package org.syshotplug.platform.internal.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.Errno;
import org.syshotplug.platform.SystemFileException;

class SimulatedX86MemoryTest {

    private static final String M = "/sys/devices/system/memory";
    private final SimulatedMachine machine = SimulatedMachine.x86Acpi(4, 16);

    private Errno writeErrno(String path, String value) {
        return assertThrows(SystemFileException.class, () -> machine.write(path, value)).errno();
    }

    @Test
    void globalAttributesUseTheKernelFormats() throws Exception {
        assertEquals("8000000\n", machine.read(M + "/block_size_bytes"));
        assertEquals("offline\n", machine.read(M + "/auto_online_blocks"));
        assertEquals("0000000a\n", machine.read(M + "/memory10/phys_index"));
    }

    @Test
    void onlineBlockShowsItsZoneAndOfflineBlockTheZonesItCanTake() throws Exception {
        assertEquals("Normal", machine.readValue(M + "/memory3/valid_zones"));

        machine.write(M + "/memory3/state", "offline");

        assertEquals("offline", machine.readValue(M + "/memory3/state"));
        assertEquals("0", machine.readValue(M + "/memory3/online"));
        assertEquals("Normal Movable", machine.readValue(M + "/memory3/valid_zones"));
        machine.write(M + "/memory3/state", "online_movable");
        assertEquals("Movable", machine.readValue(M + "/memory3/valid_zones"));
    }

    @Test
    void writingTheCurrentStateOrGarbageIsEinval() {
        assertEquals(Errno.EINVAL, writeErrno(M + "/memory3/state", "online"));
        assertEquals(Errno.EINVAL, writeErrno(M + "/memory3/state", "online_kernel"));
        assertEquals(Errno.EINVAL, writeErrno(M + "/memory3/state", "garbage"));
    }

    @Test
    void unmovableBlockRefusesOfflineWithEbusy() throws Exception {
        machine.setUnmovable(5, true);

        assertEquals(Errno.EBUSY, writeErrno(M + "/memory5/state", "offline"));
        assertEquals("online", machine.readValue(M + "/memory5/state"));
    }

    @Test
    void blockLinksToItsNode() throws Exception {
        assertEquals("/sys/devices/system/node/node0", machine.readLink(M + "/memory7/node0"));
        assertEquals(M + "/memory7", machine.readLink("/sys/devices/system/node/node0/memory7"));
    }

    @Test
    void probeAddsAnOfflineBlockAtAnAlignedAddress() throws Exception {
        machine.write(M + "/probe", "0x" + Long.toHexString(20L * 0x8000000L));

        assertEquals("offline", machine.readValue(M + "/memory20/state"));
        assertEquals(Errno.EEXIST, writeErrno(M + "/probe", "0x" + Long.toHexString(20L * 0x8000000L)));
        assertEquals(Errno.EINVAL, writeErrno(M + "/probe", "0x1000"));
        assertEquals(Errno.EACCES,
                assertThrows(SystemFileException.class, () -> machine.read(M + "/probe")).errno());
    }
}
