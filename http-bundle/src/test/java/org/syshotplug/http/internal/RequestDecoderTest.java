package org.syshotplug.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

class RequestDecoderTest {

    private static HotplugRequest decode(String json) {
        return RequestDecoder.decode(json.getBytes(StandardCharsets.UTF_8), 4, "alice");
    }

    private static String field(String json) {
        return assertThrows(ApiProblem.class, () -> decode(json)).field;
    }

    @Test
    void aFullBodyBecomesARequestFromHttpWithThePrincipal() {
        HotplugRequest r = decode("{\"id\":\"r-1\",\"operation\":\"offline\",\"devices\":[\"cpu:2\",\"cpu:3\"],"
                + "\"force\":true,\"dryRun\":true,\"params\":{\"zone\":\"online_movable\"}}");
        assertEquals("r-1", r.id());
        assertEquals(Operation.OFFLINE, r.operation());
        assertEquals(List.of(DeviceRef.cpu(2), DeviceRef.cpu(3)), r.targets());
        assertTrue(r.force() && r.dryRun());
        assertEquals("online_movable", r.parameter("zone"));
        assertEquals("http", r.origin());
        assertEquals("alice", r.principal());
    }

    @Test
    void aSelectionBecomesAWildcardWithCountOrSize() {
        HotplugRequest r = decode("{\"operation\":\"add\",\"selection\":{\"type\":\"memory\",\"size\":\"2G\"}}");
        assertEquals(List.of(DeviceRef.any("memory")), r.targets());
        assertEquals("2G", r.parameter("size"));
        assertEquals("2", decode("{\"operation\":\"add\",\"selection\":{\"type\":\"cpu\",\"count\":2}}").parameter("count"));
    }

    @Test
    void eachBadFieldIsNamed() {
        assertEquals("(body)", field(""));
        assertEquals("(body)", field("{\"operation\""));
        assertEquals("(body)", field("{} {}"));
        assertEquals("(body)", field("{\"operation\":\"offline\",\"operation\":\"online\",\"devices\":[\"cpu:1\"]}"));
        assertEquals("operation", field("{\"devices\":[\"cpu:1\"]}"));
        assertEquals("operation", field("{\"operation\":1,\"devices\":[\"cpu:1\"]}"));
        assertEquals("devices[1]", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\",\"cpu:-1\"]}"));
        assertEquals("devices[1]", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\",\"cpu:1\"]}"));
        assertEquals("devices[0]", field("{\"operation\":\"offline\",\"devices\":[null]}"));
        assertEquals("devices", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\",\"cpu:2\",\"cpu:3\",\"cpu:4\",\"cpu:5\"]}"));
        assertEquals("devices", field("{\"operation\":\"offline\",\"devices\":\"cpu:1\"}"));
        assertEquals("force", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"force\":1}"));
        assertEquals("dryRun", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"dryRun\":\"\"}"));
        assertEquals("extra", field("{\"operation\":\"offline\",\"devices\":[\"cpu:1\"],\"extra\":1}"));
        assertEquals("selection.colour", field("{\"operation\":\"add\",\"selection\":{\"type\":\"cpu\",\"colour\":1}}"));
        assertEquals("selection", field("{\"operation\":\"add\",\"selection\":{\"type\":\"cpu\"}}"));
        assertEquals("selection.count", field("{\"operation\":\"add\",\"selection\":{\"type\":\"cpu\",\"count\":0}}"));
        assertEquals("id", field("{\"id\":\"../x\",\"operation\":\"offline\",\"devices\":[\"cpu:1\"]}"));
        assertEquals("params.zone", field("{\"operation\":\"online\",\"devices\":[\"memory:1\"],\"params\":{\"zone\":\"a\\nb\"}}"));
    }

    @Test
    void messagesNeverCarryRawControlCharacters() {
        ApiProblem p = assertThrows(ApiProblem.class,
                () -> decode("{\"operation\":\"off\\u001b[31mline\",\"devices\":[\"cpu:1\"]}"));
        assertTrue(p.getMessage().chars().noneMatch(Character::isISOControl), p.getMessage());
    }
}
