package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.syshotplug.launcher.CommandRunner;
import org.syshotplug.launcher.GogoSession;
import org.syshotplug.launcher.SysHotplugRuntime;

/**
 * What a script gets from {@code bin/syshotplug -c}, in process on the real bundles: JSON that a
 * JSON parser reads and that carries the values of the tables, raw lines, and the POWER words
 * ({@code dlpar} unquoted, {@code drmgr}, {@code lsslot -c mem}) on the pseries profile.
 */
class ScriptOutputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    private SysHotplugRuntime runtime;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void listsAndResultsAsJsonCarryTheTableValues() throws Exception {
        runtime = SysHotplugRuntime.start(HostRuntimes.product(data).sharedApi(false).build());

        JsonNode lsmem = json("hotplug:lsmem --json").get("memory");
        List<String> lsmemRaw = lines("hotplug:lsmem -r -n");
        JsonNode cpus = json("hotplug:cpus --json").get("cpus");
        List<String> cpusRaw = lines("hotplug:cpus -r -n");
        JsonNode result = json("hotplug:offline --json cpu:1-2");
        JsonNode history = json("hotplug:history --json").get("history");

        assertEquals(lsmemRaw.size(), lsmem.size());
        assertEquals(lsmemRaw.get(0), String.join(" ", lsmem.get(0).get("range").asText(), lsmem.get(0).get("size").asText(),
                lsmem.get(0).get("state").asText(), lsmem.get(0).get("removable").asBoolean() ? "yes" : "no",
                lsmem.get(0).get("block").asText()));
        assertEquals(cpusRaw.size(), cpus.size());
        assertTrue(cpusRaw.get(1).startsWith(cpus.get(1).get("cpu").asInt() + " " + cpus.get(1).get("node").asInt() + " yes"),
                cpusRaw.get(1));
        assertEquals("SUCCEEDED", result.get("outcome").asText());
        assertEquals("cpu:1-2", result.get("devices").asText());
        JsonNode last = history.get(history.size() - 1);
        assertEquals(result.get("id"), last.get("id"));
        assertEquals("shell", last.get("origin").asText());
        assertTrue(last.get("started").asText().matches("20\\d\\d-\\d\\d-\\d\\dT.*"), last.toString());
    }

    @Test
    void powerWordsRunOnThePseriesProfile() throws Exception {
        runtime = SysHotplugRuntime.start(HostRuntimes.product(data).sharedApi(false)
                .profile("pseries").build());

        String dlpar = text("hotplug:dlpar memory add count 2");
        String drmgr = text("hotplug:drmgr -c mem -a -q 2");
        List<String> lsslot = lines("hotplug:lsslot -c mem");

        assertTrue(dlpar.startsWith("SUCCEEDED: add "), "no progress lines when nobody watches: " + dlpar);
        assertTrue(drmgr.contains("SUCCEEDED: add ") && drmgr.contains("DR_TOTAL_RESOURCES=2"), drmgr);
        assertTrue(lsslot.get(0).startsWith("Dynamic Reconfiguration Memory (LMB size 0x"), lsslot.get(0));
        assertTrue(lsslot.stream().anyMatch(l -> l.startsWith("    DRC Index: ")), String.join("\n", lsslot));
    }

    private JsonNode json(String command) throws Exception {
        return JSON.readTree(text(command));
    }

    private List<String> lines(String command) throws Exception {
        return text(command).lines().filter(l -> !l.isBlank()).toList();
    }

    private String text(String command) throws Exception {
        out.reset();
        err.reset();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                GogoSession session = runtime.openSession(new ByteArrayInputStream(new byte[0]), o, e)) {
            status = new CommandRunner(session, o, e).run(command);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(CommandRunner.OK, status, command + ": " + err.toString(StandardCharsets.UTF_8) + text);
        return text;
    }
}
