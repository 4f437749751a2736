package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.syshotplug.fuzz.ClearErrors;

/**
 * Hostile arguments to the shell's hot-plug commands, through the real command object and the
 * real sequencer: each is refused before anything is queued, with a message a person can act
 * on, and the next good command still succeeds.
 */
class HostileShellArgumentsTest {

    private final Sequencer sequencer = new Sequencer(SequencerSettings.defaults());
    private final CountingHandler handler = new CountingHandler();
    private final HotplugCommands commands;

    HostileShellArgumentsTest() {
        sequencer.addHandler(handler, CountingHandler.props("counting", "execute", 400));
        commands = new HotplugCommands(sequencer, List.of(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    private void refusedThenGoodCommandSucceeds(String... targets) {
        int before = handler.calls.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> commands.online(false, false, false, "", true, false, false, targets));
        ClearErrors.requireClear(e);
        assertEquals(before, handler.calls.get(), "nothing reached a handler");

        String good = commands.online(false, false, false, "", true, false, false, "cpu:1");

        assertTrue(good.contains("SUCCEEDED"), good);
        assertEquals(before + 1, handler.calls.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu:../../../etc/passwd", "cpu:1/../0", "memory:..", "node:../node0", "acpi:../ACPI0004:00",
        "container:\\_SB_/..", "drc:CPU 3/../x", "pci:..", "phb:a/b", "cpu:%2e%2e", "memory:1\u00002", "drc:CPU\n3",
        "cpu:1\r2", "acpi:ACPI0004:00\u001b[2J"})
    void pathTraversalAndControlCharacterIdsAreRefused(String target) {
        refusedThenGoodCommandSucceeds(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu:\uff13", "cpu:\u0663", "cpu:1\u200b", "memory:12\u202e", "\uff43\uff50\uff55:1",
        "cpu:\ud83d\ude00", "acpi:ACPI0004:0\uff10", "drc:CPU\u00a03", "cpu:\u00b9", "cpu:1\ufeff"})
    void unicodeLookalikesAreRefused(String target) {
        refusedThenGoodCommandSucceeds(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "cpu:", ":3", "cpu", "CPU:1", "cpu:-1", "cpu:+1", "cpu:01", "cpu:4294967296",
        "cpu:99999999999999999999", "memory:0x10"})
    void emptyMalformedAndOutOfRangeIdsAreRefused(String target) {
        refusedThenGoodCommandSucceeds(target);
    }

    @Test
    void controlCharactersAroundATokenAreTrimmedLikeSpacesAndTheIdStaysValid() {
        // HotplugCommands trims each comma-separated device (String.trim drops everything up to U+0020), so a
        // CRLF script line still names cpu:1; what is left is validated as usual.
        assertTrue(commands.online(false, false, false, "", true, false, false, "cpu:1\r").contains("SUCCEEDED"));
    }

    @Test
    void anOversizedIdIsRefusedWithABoundedMessage() {
        refusedThenGoodCommandSucceeds("cpu:" + "1".repeat(100_000));
        refusedThenGoodCommandSucceeds("drc:" + "A".repeat(100_000));
        refusedThenGoodCommandSucceeds("x".repeat(100_000) + ":1");
    }

    @Test
    void anOversizedOrControlCharacterParameterValueIsRefused() {
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> commands.online(false, false, false, "size=" + "9".repeat(100_000), true, false, false, "memory:*"));
        ClearErrors.requireClear(big);
        IllegalArgumentException control = assertThrows(IllegalArgumentException.class,
                () -> commands.online(false, false, false, "zone=movable\u001b[31m", true, false, false, "memory:*"));
        ClearErrors.requireClear(control);

        assertTrue(commands.online(false, false, false, "", true, false, false, "cpu:1").contains("SUCCEEDED"));
    }

    @Test
    void moreTargetsThanARequestMayNameAreRefused() {
        String[] all = IntStream.rangeClosed(0, 65_536).mapToObj(i -> "cpu:" + i).toArray(String[]::new);

        refusedThenGoodCommandSucceeds(all);
    }

    @Test
    void aDeviceNamedTwiceIsRefused() {
        refusedThenGoodCommandSucceeds("cpu:1", "cpu:1");
    }

    @Test
    void aParameterWithoutAKeyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> commands.online(false, false, false, "=2", true, false, false, "cpu:1"));
        ClearErrors.requireClear(e);
        IllegalArgumentException upper = assertThrows(IllegalArgumentException.class,
                () -> commands.online(false, false, false, "COUNT=2", true, false, false, "cpu:1"));
        ClearErrors.requireClear(upper);

        assertTrue(commands.online(false, false, false, "", true, false, false, "cpu:1").contains("SUCCEEDED"));
    }
}
