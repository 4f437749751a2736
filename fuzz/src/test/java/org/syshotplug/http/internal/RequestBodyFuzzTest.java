package org.syshotplug.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.fuzz.ClearErrors;
import org.syshotplug.fuzz.FuzzBudget;
import org.syshotplug.fuzz.FuzzInput;

/**
 * The HTTP API's request bodies (POST /api/v1/requests and the Redfish PATCH) on arbitrary bytes:
 * a body decodes into a request from origin {@code http} with the caller as principal and at most
 * the configured number of devices, or is refused with a 400 problem that names a field and says
 * why in a clear, bounded sentence. No other exception may escape: it would be a 500 to the client.
 */
class RequestBodyFuzzTest {

    private static final int MAX_DEVICES = 8;

    @FuzzTest(maxDuration = FuzzBudget.PER_TARGET)
    @DictionaryEntries({"{\"operation\":\"offline\",\"devices\":[\"cpu:2\"]}", "\"operation\"", "\"devices\"",
            "\"selection\"", "\"type\"", "\"count\"", "\"size\"", "\"force\"", "\"dryRun\"", "\"params\"", "\"id\"",
            "\"online\"", "\"remove\"", "\"cpu:", "\"memory:", "\"acpi:\\\\_SB_.", "\"drc:0x", "true", "null", "[", "]", "{",
            "}", ",", ":", "\"Enabled\"", "1e999", "\"\\u0000\""})
    void bodiesDecodeIntoValidRequestsOrAreRefusedNamingTheField(byte[] data) {
        boolean redfish = FuzzInput.choice(data, 4) == 0;
        byte[] body = FuzzInput.rest(data);
        try {
            if (redfish) {
                RequestDecoder.read(body, LinkedHashMap.class);
                return;
            }
            HotplugRequest r = RequestDecoder.decode(body, MAX_DEVICES, "alice");
            assertEquals("http", r.origin());
            assertEquals("alice", r.principal());
            assertTrue(!r.targets().isEmpty() && r.targets().size() <= MAX_DEVICES, () -> r.targets().toString());
        } catch (ApiProblem p) {
            assertEquals(400, p.status, p::getMessage);
            assertNotNull(p.field, () -> "no field named: " + p.getMessage());
            assertTrue(p.field.length() <= 200 && p.field.chars().noneMatch(Character::isISOControl), () -> "field " + p.field);
            ClearErrors.requireClear(p);
        }
    }
}
