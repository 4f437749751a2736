package org.syshotplug.fleet.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

class PlanJournalTest {

    @TempDir
    Path dir;

    @Test
    void aReplayedJournalKnowsWhichHostsAreFinishedSentOrPendingAndIgnoresATornLastLine() throws Exception {
        PlanJournal journal = new PlanJournal(dir.resolve("fleet/plans.jsonl"));
        Plan plan = new Plan("p1", "offline", List.of("cpu:3"), List.of("a", "b", "c"), 2, 1, 30, "ctl");
        journal.append(plan.toJournal());
        journal.append(line("sent", "p1", "a"));
        journal.append(line("sent", "p1", "b"));
        journal.append(line("done", "p1", "a").put("outcome", "SUCCEEDED").put("seconds", 0.5));
        Files.writeString(journal.file(), "{\"t\":\"done\",\"plan\":\"p1\",\"host\":\"b\",\"outc", StandardOpenOption.APPEND);

        Map<String, Plan> plans = journal.load();

        Plan back = plans.get("p1");
        assertEquals(List.of("a", "b", "c"), List.copyOf(back.hosts.keySet()));
        assertTrue(back.hosts.get("a").done() && back.hosts.get("a").succeeded());
        assertTrue(back.hosts.get("b").sent);
        assertFalse(back.hosts.get("b").done(), "a torn line must not finish a host");
        assertFalse(back.hosts.get("c").sent);
        assertNull(back.ended);
        assertEquals(2, back.parallel);
        assertEquals(1, back.maxFailures);
        assertEquals("p1.b", back.requestId("b"));
        assertEquals("unfinished", back.toJson().path("status").asText());
    }

    @Test
    void aFleetRequestBecomesAHotplugRequestWithOriginFleetAndTheControllersName() throws Exception {
        HotplugRequest r = FleetAgent.parse("p1.h1", FleetAgent.JSON.readTree(
                "{\"operation\":\"offline\",\"devices\":[\"cpu:3\"],\"principal\":\"ctl\",\"dryRun\":true}"));

        assertEquals("p1.h1", r.id());
        assertEquals(Operation.OFFLINE, r.operation());
        assertEquals(List.of(DeviceRef.cpu(3)), r.targets());
        assertEquals("fleet", r.origin());
        assertEquals("ctl", r.principal());
        assertTrue(r.dryRun());
        assertThrows(IllegalArgumentException.class, () -> FleetAgent.parse("x", FleetAgent.JSON.readTree(
                "{\"operation\":\"explode\",\"devices\":[\"cpu:3\"]}")));
    }

    @Test
    void hostNamesAndGlobsStayInsideOneTopicLevel() {
        assertEquals("syshotplug/v1/db-01/request", Topics.of(Topics.checkHost("db-01"), "request"));
        assertEquals("db-01", Topics.host("syshotplug/v1/db-01/status"));
        for (String bad : new String[] {"a/b", "+", "#", "", "a.b", "a b"}) {
            assertThrows(IllegalArgumentException.class, () -> Topics.checkHost(bad), bad);
        }
        assertTrue(FleetController.glob("db-*").matcher("db-01").matches());
        assertFalse(FleetController.glob("db-?").matcher("db-01").matches());
        assertFalse(FleetController.glob("a.b").matcher("axb").matches());
    }

    private static ObjectNode line(String t, String plan, String host) {
        return FleetAgent.JSON.createObjectNode().put("t", t).put("plan", plan).put("host", host);
    }
}
