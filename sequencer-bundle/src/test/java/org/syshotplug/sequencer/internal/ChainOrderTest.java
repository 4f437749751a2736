package org.syshotplug.sequencer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.HotplugResult;
import org.syshotplug.api.Operation;
import org.syshotplug.api.Outcome;
import org.syshotplug.spi.HandlerProperties;

class ChainOrderTest {

    private final ScriptedHandler.Journal journal = new ScriptedHandler.Journal();
    private Sequencer sequencer;

    @BeforeEach
    void start() {
        sequencer = new Sequencer(SequencerSettings.defaults());
        // Registered out of priority order on purpose: the order must come from the properties.
        for (String phase : List.of("commit", "execute", "validate")) {
            for (int priority : new int[] {300, 100, 1000, 200, 400}) {
                String name = phase.charAt(0) + Integer.toString(priority);
                sequencer.addHandler(new ScriptedHandler(name, journal), ScriptedHandler.props(name, phase, priority));
            }
        }
    }

    @AfterEach
    void stop() {
        sequencer.close();
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void validateRunsInAscendingPriorityForEveryOperation(Operation operation) throws Exception {
        HotplugResult result = run(operation);

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of("validate:v100", "validate:v200", "validate:v300", "validate:v400", "validate:v1000"),
                journal.of("validate"));
    }

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"ADD", "ONLINE"})
    void executeAndCommitAscendForBringUp(Operation operation) throws Exception {
        HotplugResult result = run(operation);

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of("execute:e100", "execute:e200", "execute:e300", "execute:e400", "execute:e1000"),
                journal.of("execute"));
        assertEquals(List.of("commit:c100", "commit:c200", "commit:c300", "commit:c400", "commit:c1000"),
                journal.of("commit"));
    }

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"REMOVE", "OFFLINE"})
    void executeAndCommitDescendForTearDown(Operation operation) throws Exception {
        HotplugResult result = run(operation);

        assertEquals(Outcome.SUCCEEDED, result.outcome());
        assertEquals(List.of("execute:e1000", "execute:e400", "execute:e300", "execute:e200", "execute:e100"),
                journal.of("execute"));
        assertEquals(List.of("commit:c1000", "commit:c400", "commit:c300", "commit:c200", "commit:c100"),
                journal.of("commit"));
    }

    @ParameterizedTest
    @EnumSource(Operation.class)
    void phasesRunValidateThenExecuteThenCommit(Operation operation) throws Exception {
        run(operation);

        List<String> all = journal.entries();
        assertEquals(15, all.size());
        assertEquals(List.of("validate", "execute", "commit"),
                all.stream().map(e -> e.substring(0, e.indexOf(':'))).distinct().toList());
    }

    @ParameterizedTest
    @EnumSource(value = Operation.class, names = {"ADD", "REMOVE"})
    void tiesBreakByHigherRankingThenLowerServiceId(Operation operation) throws Exception {
        Sequencer ties = new Sequencer(SequencerSettings.defaults());
        try {
            ties.addHandler(new ScriptedHandler("id7-rank0", journal), tied("id7-rank0", 7, 0));
            ties.addHandler(new ScriptedHandler("id3-rank0", journal), tied("id3-rank0", 3, 0));
            ties.addHandler(new ScriptedHandler("id9-rank5", journal), tied("id9-rank5", 9, 5));
            ties.addHandler(new ScriptedHandler("id5-rank-1", journal), tied("id5-rank-1", 5, -1));

            HotplugResult result = ties.submit(HotplugRequest.of(operation, DeviceRef.cpu(1)))
                    .timeout(TimeUnit.SECONDS.toMillis(30)).getValue();

            assertEquals(Outcome.SUCCEEDED, result.outcome());
            assertEquals(List.of("execute:id9-rank5", "execute:id3-rank0", "execute:id7-rank0", "execute:id5-rank-1"),
                    journal.of("execute"));
        } finally {
            ties.close();
        }
    }

    @Test
    void handlersAreFilteredByOperationAndDeviceType() throws Exception {
        Sequencer filtered = new Sequencer(SequencerSettings.defaults());
        try {
            Map<String, Object> cpuOnline = ScriptedHandler.props("cpu-online", "execute", 400);
            cpuOnline.put(HandlerProperties.OPERATIONS, new String[] {"online", "offline"});
            cpuOnline.put(HandlerProperties.DEVICES, new String[] {"cpu"});
            Map<String, Object> memory = ScriptedHandler.props("memory", "execute", 300);
            memory.put(HandlerProperties.DEVICES, "memory");
            Map<String, Object> addOnly = ScriptedHandler.props("add-only", "execute", 100);
            addOnly.put(HandlerProperties.OPERATIONS, "add");
            Map<String, Object> everything = ScriptedHandler.props("everything", "execute", 1000);
            filtered.addHandler(new ScriptedHandler("cpu-online", journal), cpuOnline);
            filtered.addHandler(new ScriptedHandler("memory", journal), memory);
            filtered.addHandler(new ScriptedHandler("add-only", journal), addOnly);
            filtered.addHandler(new ScriptedHandler("everything", journal), everything);

            filtered.submit(HotplugRequest.of(Operation.ONLINE, DeviceRef.cpu(1))).getValue();

            assertEquals(List.of("execute:cpu-online", "execute:everything"), journal.of("execute"));
        } finally {
            filtered.close();
        }
    }

    @Test
    void handlersListsTheChainInPhaseAndPriorityOrder() {
        List<String> names = sequencer.handlers().stream().map(h -> h.name()).toList();

        assertEquals(List.of("v100", "v200", "v300", "v400", "v1000", "e100", "e200", "e300", "e400", "e1000",
                "c100", "c200", "c300", "c400", "c1000"), names);
    }

    private HotplugResult run(Operation operation) throws Exception {
        return sequencer.submit(HotplugRequest.of(operation, DeviceRef.cpu(1))).getValue();
    }

    private static Map<String, Object> tied(String name, long serviceId, int ranking) {
        Map<String, Object> p = ScriptedHandler.props(name, "execute", 400);
        p.put("service.id", serviceId);
        p.put("service.ranking", ranking);
        return p;
    }
}
