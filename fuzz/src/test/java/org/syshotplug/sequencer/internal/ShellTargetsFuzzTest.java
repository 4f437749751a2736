package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;
import org.syshotplug.platform.KernelPaths;

/**
 * The shell's device arguments on arbitrary text: {@code hotplug:add cpu:3 memory:12 -p count=2}
 * as Gogo hands them over (space-separated tokens), through {@code HotplugCommands.request},
 * {@link DeviceRef#parse} and the {@link HotplugRequest} builder. A request is built or an
 * {@link IllegalArgumentException} says why; an accepted device id never carries a path
 * separator, {@code ..} or a control character, prints back to itself, and a numeric one makes a
 * kernel path that {@link KernelPaths#requireSafe} accepts.
 */
class ShellTargetsFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    @DictionaryEntries({"cpu:", "memory:", "acpi:", "container:", "drc:", "node:", "*", "ACPI0004:00", "_SB_.PC00",
            "..", "/", "=", ",", "-p", "--param", "count=", "size=", "zone="})
    void shellArgumentsBecomeValidRequestsOrClearErrors(byte[] data) {
        Operation operation = Operation.values()[FuzzInput.choice(data, Operation.values().length)];
        String line = FuzzInput.text(FuzzInput.rest(data));
        String[] tokens = line.isEmpty() ? new String[0] : line.split(" ");
        HotplugRequest request;
        try {
            request = HotplugCommands.request(operation, false, false, "", tokens);
        } catch (IllegalArgumentException e) {
            ClearErrors.requireClear(e);
            return;
        }
        assertFalse(request.targets().isEmpty());
        for (DeviceRef d : request.targets()) {
            String id = d.id();
            assertFalse(id.contains("/") || id.contains("..") || id.chars().anyMatch(Character::isISOControl),
                    () -> "unsafe id accepted: " + d);
            assertEquals(d, DeviceRef.parse(d.toString()));
            if (d.isNumeric()) {
                int n = d.numericId();
                assertTrue(n >= 0);
                KernelPaths.requireSafe(KernelPaths.cpu(n, "online"));
                KernelPaths.requireSafe(KernelPaths.memoryBlock(n, "state"));
            }
        }
        request.parameters().forEach((k, v) -> assertFalse(v.chars().anyMatch(Character::isISOControl)));
        assertEquals(request.targets(), request.toBuilder().build().targets());
    }
}
