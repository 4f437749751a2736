package org.syshotplug.rtas.internal.dlpar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.syshotplug.fuzz.ClearErrors;

/** Inputs the fuzzer found, kept as plain tests so a regression names the behaviour it broke. */
class DlparFuzzFindingsTest {

    @Test
    void anUnquotedDrcNameWithControlCharactersIsRefusedWithoutEchoingThem() {
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class,
                () -> DlparGrammar.extended().parse("cpu remove drc-name DR\u0001\u0000\u0000CU 3\""));

        ClearErrors.requireClear(e);
    }

    @Test
    void aDrcNameThatIsANumberIsRefusedBecauseItWouldComeBackAsAnIndex() {
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class,
                () -> DlparGrammar.extended().parse("cpu add drc-name 123"));

        ClearErrors.requireClear(e);
        assertThrows(IllegalArgumentException.class, () -> DlparCommand.byName(DlparResource.CPU, DlparAction.ADD, "0x10"));
    }

    @Test
    void aDrcNameWithDotDotIsRefusedBecauseNoDeviceIdMayHoldIt() {
        DlparSyntaxException e = assertThrows(DlparSyntaxException.class,
                () -> DlparGrammar.extended().parse("cpu add drc-name \"LMB..1\""));

        ClearErrors.requireClear(e);
    }

    @Test
    void aDrcNameWithDigitsAndLettersStillMakesTheRoundTrip() {
        DlparCommand command = DlparGrammar.extended().parse("cpu add drc-name \"CPU 3\"");

        assertEquals(command, DlparCommand.fromRequest(command.toRequest()));
    }
}
