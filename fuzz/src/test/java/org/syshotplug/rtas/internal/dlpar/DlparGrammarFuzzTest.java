package org.syshotplug.rtas.internal.dlpar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;

/**
 * The {@code /sys/kernel/dlpar} grammar on arbitrary text (what a user types after hotplug:dlpar,
 * or what a script writes): it either parses or throws {@link DlparSyntaxException} with a clear
 * message; nothing else. A parsed command survives the trip through its sysfs string and through
 * a {@link HotplugRequest} unchanged.
 */
class DlparGrammarFuzzTest {

    private static final DlparGrammar[] GRAMMARS = {DlparGrammar.linux61(), DlparGrammar.mainline(), DlparGrammar.extended()};

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    @DictionaryEntries({"cpu", "memory", "dt", "add", "remove", "index", "count", "indexed-count", "drc-name",
            "0x", " ", "4294967295", "4294967296"})
    void parsedRequestsRoundTripAndEverythingElseIsASyntaxError(byte[] data) {
        DlparGrammar grammar = GRAMMARS[FuzzInput.choice(data, GRAMMARS.length)];
        String input = FuzzInput.text(FuzzInput.rest(data));
        DlparCommand command;
        try {
            command = grammar.parse(input);
        } catch (DlparSyntaxException e) {
            ClearErrors.requireClear(e);
            return;
        }

        String sysfs = command.toSysfsString();
        assertEquals(command, DlparGrammar.extended().parse(sysfs), () -> "sysfs form '" + sysfs + "'");

        HotplugRequest request;
        try {
            request = command.toRequest();
        } catch (IllegalArgumentException e) {
            ClearErrors.requireClear(e);
            throw new AssertionError("a command the grammar accepted does not become a request: " + command, e);
        }
        assertEquals(command, DlparCommand.fromRequest(request), () -> "through request " + request);
    }
}
