package org.syshotplug.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP API on real Jetty on a loopback port, over the product's bundles on the simulated
 * machine: authentication and roles, a request from POST to its final state on SSE and GET, field
 * errors as problem documents, body limits, wrong methods, history and the Redfish view.
 */
class HttpApiTest {

    private static final String OPERATOR = HttpRuntime.basic(HttpRuntime.OPERATOR, HttpRuntime.PASSWORD);
    private static final String VIEWER = HttpRuntime.basic(HttpRuntime.VIEWER, HttpRuntime.PASSWORD);

    @TempDir
    static Path data;
    private static HttpRuntime http;

    @BeforeAll
    static void start() throws Exception {
        http = HttpRuntime.start(data, Map.of());
    }

    @AfterAll
    static void stop() {
        if (http != null) {
            http.close();
        }
    }

    @Test
    void everyCallNeedsCredentials() throws Exception {
        for (String path : new String[] {"/api/v1/devices/cpu", "/api/v1/openapi.json", "/redfish/v1", "/nothing/here"}) {
            HttpResponse<String> r = http.get(path, null);
            assertEquals(401, r.statusCode(), path);
            assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
            assertTrue(r.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Basic")));
        }
        assertEquals(401, http.get("/api/v1/devices/cpu", HttpRuntime.basic(HttpRuntime.OPERATOR, "wrong")).statusCode());
        assertEquals(401, http.get("/api/v1/devices/cpu", HttpRuntime.basic("mallory", HttpRuntime.PASSWORD)).statusCode());
        assertEquals(401, http.get("/api/v1/devices/cpu", "Bearer not-the-token").statusCode());
        assertEquals(200, http.get("/api/v1/devices/cpu", "Bearer " + HttpRuntime.TOKEN).statusCode());
    }

    @Test
    void aViewerReadsButMayNotSubmit() throws Exception {
        HttpResponse<String> devices = http.get("/api/v1/devices/cpu", VIEWER);
        assertEquals(200, devices.statusCode(), devices.body());
        assertEquals("cpu", HttpRuntime.json(devices).path("type").asText());
        assertTrue(HttpRuntime.json(devices).path("count").asInt() >= 2, devices.body());

        HttpResponse<String> post = http.send("POST", "/api/v1/requests", VIEWER,
                "{\"operation\":\"offline\",\"devices\":[\"cpu:1\"]}");
        assertEquals(403, post.statusCode(), post.body());
        assertTrue(HttpRuntime.json(post).path("detail").asText().contains("operator"), post.body());
        assertEquals(403, http.send("PATCH", "/redfish/v1/Systems/1/Processors/1", VIEWER, "{\"Enabled\":false}").statusCode());
        assertEquals(403, http.send("DELETE", "/api/v1/requests/x1", VIEWER, "").statusCode());
    }

    @Test
    void anOperatorsRequestIsAcceptedAndItsFinalStateArrivesOnSseAndGet() throws Exception {
        try (HttpRuntime.EventStream events = http.events(VIEWER)) {
            HttpResponse<String> post = http.send("POST", "/api/v1/requests", OPERATOR,
                    "{\"id\":\"http-offline-2\",\"operation\":\"offline\",\"devices\":[\"cpu:2\"]}");
            assertEquals(202, post.statusCode(), post.body());
            String location = post.headers().firstValue("Location").orElseThrow();
            assertEquals("/api/v1/requests/http-offline-2", location);

            HttpRuntime.Event done = events.awaitFinal("http-offline-2");
            assertEquals("SUCCEEDED", done.name(), done.data().toString());
            assertEquals("SUCCEEDED", done.data().path("outcome").asText());
            assertTrue(done.id() > 0);

            HttpResponse<String> got = http.get(location, VIEWER);
            assertEquals(200, got.statusCode(), got.body());
            JsonNode status = HttpRuntime.json(got);
            assertEquals("FINISHED", status.path("state").asText(), got.body());
            assertEquals("SUCCEEDED", status.path("outcome").asText());
            assertEquals("alice", status.path("principal").asText());
            assertEquals("http", status.path("origin").asText());
            assertTrue(status.path("steps").size() > 0, status.toString());

            JsonNode cpus = HttpRuntime.json(http.get("/api/v1/devices/cpu", VIEWER));
            assertTrue(cpus.toString().contains("{\"device\":\"cpu:2\",\"type\":\"cpu\",\"id\":\"2\",\"state\":\"offline\""),
                    cpus.toString());

            HttpResponse<String> back = http.send("POST", "/api/v1/requests", OPERATOR,
                    "{\"id\":\"http-online-2\",\"operation\":\"online\",\"devices\":[\"cpu:2\"]}");
            assertEquals(202, back.statusCode(), back.body());
            assertEquals("SUCCEEDED", events.awaitFinal("http-online-2").name());

            JsonNode history = HttpRuntime.json(http.get("/api/v1/history?device=cpu:2&outcome=SUCCEEDED&limit=1", VIEWER));
            assertEquals("http-online-2", history.path("items").path(0).path("id").asText(), history.toString());
            assertTrue(history.path("total").asInt() >= 2, history.toString());
        }
    }

    @Test
    void badBodiesAreRefusedWithTheFieldNamed() throws Exception {
        assertField("{\"operation\":", 400, "(body)");
        assertField("{\"operation\":\"offline\",\"devices\":[\"cpu:x\"]}", 400, "devices[0]");
        assertField("{\"operation\":\"offline\",\"devices\":[\"cpu:1\",\"cpu:../../x\"]}", 400, "devices[1]");
        assertField("{\"operation\":\"explode\",\"devices\":[\"cpu:1\"]}", 400, "operation");
        assertField("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"colour\":\"red\"}", 400, "colour");
        assertField("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"force\":\"yes\"}", 400, "force");
        assertField("{\"operation\":\"offline\"}", 400, "devices");
        assertField("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"params\":{\"Bad Key\":\"1\"}}", 400, "params.Bad Key");
        assertField("{\"operation\":\"offline\",\"selection\":{\"type\":\"memory\",\"size\":\"lots\"}}", 400, "selection.size");
        assertField("[1,2]", 400, "(body)");
        assertEquals(400, http.get("/api/v1/history?outcome=GREAT", VIEWER).statusCode());
        assertEquals("since", HttpRuntime.json(http.get("/api/v1/history?since=yesterday", VIEWER)).path("field").asText());

        HttpResponse<String> text = http.client.send(http.request("/api/v1/requests", OPERATOR).header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("offline cpu:1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, text.statusCode(), text.body());
    }

    @Test
    void anOversizedBodyIs413() throws Exception {
        String big = "{\"operation\":\"offline\",\"devices\":[" + "\"cpu:1\",".repeat(1000) + "\"cpu:2\"]}";
        HttpResponse<String> r = http.send("POST", "/api/v1/requests", OPERATOR, big);
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
    }

    @Test
    void wrongMethodsAre405WithAllow() throws Exception {
        HttpResponse<String> r = http.send("PUT", "/api/v1/handlers", OPERATOR, "{}");
        assertEquals(405, r.statusCode(), r.body());
        assertEquals("GET", r.headers().firstValue("Allow").orElse(""));
        HttpResponse<String> put = http.send("PUT", "/redfish/v1/Systems/1/Processors/1", OPERATOR, "{\"Enabled\":false}");
        assertEquals(405, put.statusCode(), put.body());
        assertEquals("GET, PATCH", put.headers().firstValue("Allow").orElse(""));
        assertEquals(404, http.get("/api/v1/nothing", VIEWER).statusCode());
        assertEquals(404, http.get("/api/v1/requests/never-submitted", VIEWER).statusCode());
    }

    @Test
    void handlersAndOpenApiAreServed() throws Exception {
        JsonNode handlers = HttpRuntime.json(http.get("/api/v1/handlers", VIEWER));
        assertTrue(handlers.path("count").asInt() > 0, handlers.toString());
        JsonNode first = handlers.path("items").path(0);
        assertEquals("validate", first.path("phase").asText(), first.toString());
        assertTrue(first.has("priority") && first.has("bundle") && first.has("quarantined"), first.toString());
        JsonNode openapi = HttpRuntime.json(http.get("/api/v1/openapi.json", VIEWER));
        assertEquals("3.1.0", openapi.path("openapi").asText());
        assertTrue(openapi.path("paths").has("/api/v1/requests"));
    }

    @Test
    void aRedfishPatchOfEnabledFalseOfflinesTheCpuAndTheMemberReadsDisabled() throws Exception {
        String member = "/redfish/v1/Systems/1/Processors/3";
        assertEquals("Enabled", HttpRuntime.json(http.get(member, VIEWER)).path("Status").path("State").asText());
        JsonNode collection = HttpRuntime.json(http.get("/redfish/v1/Systems/1/Processors", VIEWER));
        assertTrue(collection.path("Members@odata.count").asInt() >= 4, collection.toString());

        try (HttpRuntime.EventStream events = http.events(VIEWER)) {
            HttpResponse<String> patch = http.send("PATCH", member, OPERATOR, "{\"Enabled\": false}");
            assertEquals(202, patch.statusCode(), patch.body());
            String id = HttpRuntime.json(patch).path("id").asText();
            assertEquals("SUCCEEDED", events.awaitFinal(id).name());
            JsonNode cpu = HttpRuntime.json(http.get(member, VIEWER));
            assertEquals("Disabled", cpu.path("Status").path("State").asText(), cpu.toString());
            assertEquals(false, cpu.path("Enabled").asBoolean(true));

            HttpResponse<String> readOnly = http.send("PATCH", member, OPERATOR, "{\"Enabled\": true, \"Name\": \"x\"}");
            assertEquals(400, readOnly.statusCode(), readOnly.body());
            assertEquals("Name", HttpRuntime.json(readOnly).path("field").asText());

            HttpResponse<String> back = http.send("PATCH", member, OPERATOR, "{\"Enabled\": true}");
            assertEquals(202, back.statusCode(), back.body());
            assertEquals("SUCCEEDED", events.awaitFinal(HttpRuntime.json(back).path("id").asText()).name());
            assertEquals("Enabled", HttpRuntime.json(http.get(member, VIEWER)).path("Status").path("State").asText());
        }
    }

    private static void assertField(String body, int status, String field) throws Exception {
        HttpResponse<String> r = http.send("POST", "/api/v1/requests", OPERATOR, body);
        assertEquals(status, r.statusCode(), body + " -> " + r.body());
        JsonNode problem = HttpRuntime.json(r);
        assertEquals(field, problem.path("field").asText(), r.body());
        assertEquals(status, problem.path("status").asInt());
        assertTrue(!r.body().contains("Exception") && !r.body().contains("\tat "), "no stack trace: " + r.body());
    }
}
