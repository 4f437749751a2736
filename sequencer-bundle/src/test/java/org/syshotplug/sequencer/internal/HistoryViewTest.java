package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.util.promise.Promise;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HandlerInfo;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.HotplugService;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.api.Phase;
import org.syshotplug.api.RequestStatus;
import org.syshotplug.api.StepRecord;

/** What hotplug:history shows of recorded results: date, machine, origin, principal, DRY_RUN and the steps. */
class HistoryViewTest {

    private static final Instant STARTED = Instant.parse("2026-12-01T22:15:30.250Z");

    private final HotplugResult dryRun = new HotplugResult(
            HotplugRequest.builder(Operation.OFFLINE).id("dry00001").targets(List.of(DeviceRef.cpu(1), DeviceRef.cpu(2),
                    DeviceRef.cpu(3))).dryRun(true).origin("http").principal("alice").build(),
            Outcome.DRY_RUN, List.of(), List.of(new StepRecord("cpu-validate", "org.syshotplug.cpu", Phase.VALIDATE,
                    List.of(DeviceRef.cpu(1), DeviceRef.cpu(2), DeviceRef.cpu(3)), Duration.ofMillis(4), StepRecord.Status.OK,
                    null)),
            null, STARTED, STARTED.plusMillis(5), "linux 6.1.0 (real kernel)");

    private final HotplugCommands commands = new HotplugCommands(new History(dryRun), List.of(),
            new PrintStream(new ByteArrayOutputStream()));

    @Test
    void historyShowsTheDateTheMachineTheOriginAndDryRun() {
        String[] lines = commands.history(false, false, false, false, 20, "", "", "", "").split("\n");

        assertTrue(lines[0].matches("ID +OUTCOME +OPERATION +DEVICES +MACHINE +ORIGIN +PRINCIPAL +STARTED +MS +ERROR"), lines[0]);
        assertTrue(lines[1].matches("dry00001 +DRY_RUN +offline +cpu:1-3 +linux 6.1.0 \\(real kernel\\) +http +alice"
                + " +2026-12-0[12]T\\d\\d:15:30.25\\d?.* +5 +-"), lines[1]);
    }

    @Test
    void historyOfOneIdListsTheStepsAndAsJsonTheSameValues() throws Exception {
        String text = commands.history(false, false, false, false, 20, "", "", "", "", "dry00001");
        JsonNode json = new ObjectMapper().readTree(commands.history(false, true, false, false, 20, "", "", "", "",
                "dry00001"));

        assertTrue(text.contains("outcome:    DRY_RUN\n"), text);
        assertTrue(text.contains("dry-run:    true\n"), text);
        assertTrue(text.matches("(?s).*validate +cpu-validate +org.syshotplug.cpu +cpu:1-3 +OK +4.*"), text);
        assertEquals("DRY_RUN", json.get("outcome").asText());
        assertEquals("linux 6.1.0 (real kernel)", json.get("machine").asText());
        assertEquals("alice", json.get("principal").asText());
        assertEquals(Instant.parse(json.get("started").asText().replaceFirst("[+-]\\d\\d:\\d\\d$|Z$", "Z")).getEpochSecond()
                % 60, STARTED.getEpochSecond() % 60);
    }

    /** A service that only remembers finished results. */
    private record History(HotplugResult result) implements HotplugService {
        @Override
        public Promise<HotplugResult> submit(HotplugRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean cancel(String requestId) {
            return false;
        }

        @Override
        public List<RequestStatus> requests() {
            return List.of();
        }

        @Override
        public List<HotplugResult> history(int max) {
            return List.of(result);
        }

        @Override
        public List<HandlerInfo> handlers() {
            return List.of();
        }
    }
}
