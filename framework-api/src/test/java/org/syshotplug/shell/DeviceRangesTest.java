package org.syshotplug.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.Errno;
import org.syshotplug.api.HotplugError;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;

/** Device lists in log lines stay short however many devices a request has. */
class DeviceRangesTest {

    private static List<DeviceRef> cpus(int from, int to) {
        List<DeviceRef> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(DeviceRef.cpu(i));
        }
        return out;
    }

    @Test
    void consecutiveIdsOfOneTypePrintAsARange() {
        List<DeviceRef> devices = new ArrayList<>(cpus(1, 999));
        devices.add(DeviceRef.memory(4));
        devices.add(DeviceRef.memory(5));
        devices.add(DeviceRef.cpu(1001));
        devices.add(DeviceRef.of("acpi", "ACPI0004:01"));

        assertEquals("[cpu:1-999, memory:4-5, cpu:1001, acpi:ACPI0004:01]", DeviceRanges.inOrder(devices));
        assertEquals("[]", DeviceRanges.inOrder(List.of()));
    }

    @Test
    void aListOfManyRunsIsCutWithACount() {
        List<DeviceRef> everyOther = new ArrayList<>();
        for (int i = 0; i < 8192; i += 2) {
            everyOther.add(DeviceRef.memory(i));
        }

        String text = DeviceRanges.inOrder(everyOther);

        assertTrue(text.length() < 600, text);
        assertTrue(text.endsWith(", ... " + (4096 - DeviceRanges.MAX_RUNS) + " more]"), text);
    }

    @Test
    void inOrderKeepsTheWalkOrderAndDuplicatesWhereSummariseSortsAndFolds() {
        List<DeviceRef> devices = List.of(DeviceRef.cpu(3), DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(2));

        assertEquals("[cpu:3, cpu:1-2, cpu:2]", DeviceRanges.inOrder(devices));
        assertEquals("cpu:1-3", DeviceRanges.summarise(devices));
    }

    @Test
    void theCutCountsTheDevicesLeftOut() {
        List<DeviceRef> devices = List.of(DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.memory(7), DeviceRef.memory(9),
                DeviceRef.memory(10));

        assertEquals("[cpu:1-2, ... 3 more]", DeviceRanges.inOrder(devices, 1));
        assertEquals("[... 5 more]", DeviceRanges.inOrder(devices, 0));
        assertEquals("[cpu:1-2, memory:7, memory:9-10]", DeviceRanges.inOrder(devices, 3));
    }

    @Test
    void summaryOfAThousandCpuRequestIsOneShortLine() {
        HotplugRequest request = HotplugRequest.builder(Operation.OFFLINE).id("big").targets(cpus(1, 1000)).build();
        HotplugResult result = new HotplugResult(request, Outcome.SUCCEEDED, cpus(1, 1000), List.of(), null,
                Instant.now(), Instant.now());

        assertEquals("big SUCCEEDED: offline [cpu:1-1000]", ResultView.summary(result));
    }

    @Test
    void summaryNamesTheTargetsBeforeResolutionAndAppendsTheError() {
        HotplugRequest request = HotplugRequest.builder(Operation.REMOVE).id("r1").targets(List.of(DeviceRef.memory(4),
                DeviceRef.memory(5))).build();
        HotplugResult result = new HotplugResult(request, Outcome.REJECTED, List.of(), List.of(),
                new HotplugError("h", DeviceRef.memory(5), Errno.EBUSY, false, "busy"), Instant.now(), Instant.now());

        assertEquals("r1 REJECTED: remove [memory:4-5] - memory:5: busy (EBUSY)", ResultView.summary(result));
    }
}
