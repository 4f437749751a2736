package org.syshotplug.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HotplugRequestTest {

    @Test
    void emptyTargetListIsRefusedAtConstruction() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ONLINE).targets(List.of()).build());

        assertTrue(e.getMessage().contains("online"), e.getMessage());
        assertTrue(e.getMessage().contains("at least one target"), e.getMessage());
    }

    @Test
    void nullOperationIsRefusedAtConstructionNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(null).target(DeviceRef.cpu(1)).build());

        assertTrue(e.getMessage().contains("operation is null"), e.getMessage());
    }

    @Test
    void deviceNamedTwiceIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.of(Operation.OFFLINE, DeviceRef.cpu(1), DeviceRef.cpu(1)));

        assertTrue(e.getMessage().contains("cpu:1"), e.getMessage());
    }

    @Test
    void nullTargetIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ADD).target(null).build());
    }

    @Test
    void invalidRequestIdIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ADD).id("a/b").target(DeviceRef.cpu(1)).build());

        assertTrue(e.getMessage().contains("'a/b'"), e.getMessage());
    }

    @Test
    void nonPositiveDeadlineIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ADD).target(DeviceRef.cpu(1)).deadline(Duration.ZERO).build());

        assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    }

    @Test
    void parameterWithControlCharacterIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.memory(3))
                        .parameter("zone", "movable\n").build());

        assertTrue(e.getMessage().contains("'zone'"), e.getMessage());
    }

    @Test
    void invalidParameterNameIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HotplugRequest.builder(Operation.ONLINE).target(DeviceRef.memory(3))
                        .parameter("Zone", "movable").build());

        assertTrue(e.getMessage().contains("'Zone'"), e.getMessage());
    }

    @Test
    void toBuilderKeepsEverythingButTheId() {
        HotplugRequest original = HotplugRequest.builder(Operation.REMOVE).id("r1").target(DeviceRef.cpu(2))
                .force(true).dryRun(true).origin("shell").parameter("count", "2").build();

        HotplugRequest copy = original.toBuilder().build();

        assertEquals(original.targets(), copy.targets());
        assertEquals(original.parameters(), copy.parameters());
        assertTrue(copy.force() && copy.dryRun());
        assertEquals("shell", copy.origin());
        assertTrue(!copy.id().equals("r1"));
    }

    @Test
    void unknownOperationWordIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Operation.parse("plug"));

        assertTrue(e.getMessage().contains("'plug'"), e.getMessage());
    }
}
