package org.syshotplug.rtas.internal.dlpar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.rtas.internal.devicetree.MalformedDataException;

/**
 * The hot-plug error log codec on arbitrary bytes (what firmware posts with an RTAS event): a log
 * decodes or is refused with {@link MalformedDataException} naming an offset; nothing else, and
 * never a read past the bytes given. A decoded command encodes, in each of the three wrappings,
 * to bytes that decode to the same command.
 */
class HotplugErrorLogFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    void decodedLogsReEncodeToTheSameCommandAndEverythingElseIsMalformed(byte[] data) {
        DlparCommand command;
        try {
            command = HotplugErrorLog.decode(data);
        } catch (MalformedDataException e) {
            ClearErrors.requireClear(e);
            return;
        }
        assertEquals(command, HotplugErrorLog.decode(HotplugErrorLog.encodeBody(command)), "bare body");
        assertEquals(command, HotplugErrorLog.decode(HotplugErrorLog.encodeSection(command)), "HP section");
        assertEquals(command, HotplugErrorLog.decode(HotplugErrorLog.encodeEventLog(command)), "RTAS event log");
    }
}
