package org.syshotplug.cpu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CpuhpStateTest {

    @Test
    void parsesNumberAndNameOfEveryLine() {
        List<CpuhpState> states = CpuhpState.parseTable("  0: offline\n 36: workqueue:prepare\n187: workqueue:online\n236: online\n");

        assertEquals(List.of(new CpuhpState(0, "offline"), new CpuhpState(36, "workqueue:prepare"),
                new CpuhpState(187, "workqueue:online"), new CpuhpState(236, "online")), states);
    }

    @Test
    void skipsLinesWithoutTheNumberColonNameForm() {
        assertEquals(List.of(new CpuhpState(1, "x")), CpuhpState.parseTable("garbage\n1: x\n\n"));
    }
}
