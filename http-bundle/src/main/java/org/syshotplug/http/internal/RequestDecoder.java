package org.syshotplug.http.internal;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import org.syshotplug.api.DeviceRef;
import org.syshotplug.api.HotplugRequest;
import org.syshotplug.api.Operation;

/**
 * Turns a request body into a {@link HotplugRequest}, or refuses it with an {@link ApiProblem} that
 * names the field at fault. Every check the API type makes is made here first, field by field, so
 * a refusal always points at one field; nothing but an ApiProblem ever leaves {@link #decode}.
 */
final class RequestDecoder {

    static final String ORIGIN = "http";
    private static final int MAX_PARAMS = 16;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern PARAM_KEY = Pattern.compile("[a-z][a-z0-9._-]{0,31}");
    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]{0,15}[KMGT]?");

    private RequestDecoder() {
    }

    static HotplugRequest decode(byte[] body, int maxDevices, String principal) {
        SubmitBody b = read(body, SubmitBody.class);
        if (b == null) {
            throw ApiProblem.badField("(body)", "the body is JSON null: expected an object with operation and devices");
        }
        if (b.operation() == null) {
            throw ApiProblem.badField("operation", "operation is missing: expected one of add, remove, online, offline");
        }
        Operation operation;
        try {
            operation = Operation.parse(b.operation());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badField("operation", e.getMessage());
        }
        HotplugRequest.Builder builder = HotplugRequest.builder(operation).origin(ORIGIN).principal(principal)
                .force(Boolean.TRUE.equals(b.force())).dryRun(Boolean.TRUE.equals(b.dryRun()));
        if (b.id() != null) {
            if (!ID.matcher(b.id()).matches()) {
                throw ApiProblem.badField("id", "invalid request id '" + printable(b.id())
                        + "': expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            builder.id(b.id());
        }
        if ((b.devices() == null) == (b.selection() == null)) {
            throw ApiProblem.badField("devices", "give either devices (e.g. [\"cpu:2\"]) or selection"
                    + " (e.g. {\"type\":\"memory\",\"size\":\"2G\"}), exactly one of them");
        }
        Map<String, String> params = b.params() == null ? Map.of() : b.params();
        if (params.size() > MAX_PARAMS) {
            throw ApiProblem.badField("params", params.size() + " parameters: at most " + MAX_PARAMS + " are allowed");
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            String field = "params." + printable(e.getKey());
            if (!PARAM_KEY.matcher(e.getKey()).matches()) {
                throw ApiProblem.badField(field, "invalid parameter name: expected a lower-case word such as zone, count, size");
            }
            String v = e.getValue();
            if (v == null || v.isEmpty() || v.length() > 256 || v.chars().anyMatch(Character::isISOControl)) {
                throw ApiProblem.badField(field, "invalid value: expected 1-256 printable characters");
            }
            builder.parameter(e.getKey(), v);
        }
        if (b.devices() != null) {
            devices(builder, b.devices(), maxDevices);
        } else {
            selection(builder, b.selection(), params);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            // Every field was checked above; what is left is a rule spanning several of them.
            throw ApiProblem.badField("(body)", e.getMessage());
        }
    }

    private static void devices(HotplugRequest.Builder builder, List<String> devices, int maxDevices) {
        if (devices.isEmpty()) {
            throw ApiProblem.badField("devices", "devices is empty: name at least one, e.g. [\"cpu:2\"]");
        }
        if (devices.size() > maxDevices) {
            throw ApiProblem.badField("devices", devices.size() + " devices: at most " + maxDevices + " per request");
        }
        Set<DeviceRef> seen = new HashSet<>();
        for (int i = 0; i < devices.size(); i++) {
            String field = "devices[" + i + "]";
            if (devices.get(i) == null) {
                throw ApiProblem.badField(field, "null is not a device: expected <type>:<id>, e.g. cpu:2");
            }
            DeviceRef ref;
            try {
                ref = DeviceRef.parse(devices.get(i));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badField(field, e.getMessage());
            }
            if (!seen.add(ref)) {
                throw ApiProblem.badField(field, "device " + ref + " is named twice");
            }
            builder.target(ref);
        }
    }

    private static void selection(HotplugRequest.Builder builder, SubmitBody.Selection s, Map<String, String> params) {
        if (s.type() == null) {
            throw ApiProblem.badField("selection.type", "selection.type is missing: expected a device type such as memory or cpu");
        }
        try {
            builder.target(DeviceRef.any(s.type()));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badField("selection.type", e.getMessage());
        }
        if ((s.count() == null) == (s.size() == null)) {
            throw ApiProblem.badField("selection", "give either selection.count or selection.size, exactly one of them");
        }
        if (s.count() != null) {
            if (s.count() < 1 || s.count() > 65_536) {
                throw ApiProblem.badField("selection.count", "count " + s.count() + " is out of range 1-65536");
            }
            if (params.containsKey("count")) {
                throw ApiProblem.badField("params.count", "count is given both in selection and in params");
            }
            builder.parameter("count", Integer.toString(s.count()));
        } else {
            if (!SIZE.matcher(s.size()).matches()) {
                throw ApiProblem.badField("selection.size", "invalid size '" + printable(s.size())
                        + "': expected a number of bytes with an optional K, M, G or T suffix, e.g. 2G");
            }
            if (params.containsKey("size")) {
                throw ApiProblem.badField("params.size", "size is given both in selection and in params");
            }
            builder.parameter("size", s.size());
        }
    }

    /** Reads a JSON body into {@code type} with the API's strict mapper; errors name the field. */
    static <T> T read(byte[] body, Class<T> type) {
        if (body.length == 0) {
            throw ApiProblem.badField("(body)", "the body is empty: expected a JSON object");
        }
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (UnrecognizedPropertyException e) {
            String field = path(e, e.getPropertyName());
            throw ApiProblem.badField(field, "unknown field '" + field + "'; known fields: "
                    + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
        } catch (StreamConstraintsException e) {
            throw ApiProblem.badField("(body)", "the JSON is nested too deeply or holds a too long value");
        } catch (MismatchedInputException e) {
            String field = path(e, null);
            throw ApiProblem.badField(field, "wrong type for '" + field + "'"
                    + (e.getTargetType() == null ? "" : ": expected " + kind(e.getTargetType())));
        } catch (JsonMappingException e) {
            String field = path(e, null);
            throw ApiProblem.badField(field, "invalid value for '" + field + "'");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw ApiProblem.badField("(body)", "malformed JSON" + where + ": " + printable(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiProblem.badField("(body)", "unreadable body");
        }
    }

    private static String path(JsonMappingException e, String last) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(printable(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        if (last != null && !b.toString().endsWith(last)) {
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(printable(last));
        }
        if (b.length() == 0) {
            return "(body)";
        }
        // A path of several long names is cut as a whole, so the field a problem names stays short.
        return b.length() > 160 ? b.substring(0, 157) + "..." : b.toString();
    }

    private static String kind(Class<?> type) {
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    /** At most 80 characters (and "..."), control characters escaped: safe in a problem document or a log line. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        int[] points = s.codePoints().toArray();
        for (int i = 0; i < points.length; i++) {
            int c = points[i];
            String next = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    ? String.format("\\u%04x", c) : new String(Character.toChars(c));
            // An escape is six characters: the bound is on what is written, not on what was read.
            if (b.length() + next.length() > 80) {
                return b + "...";
            }
            b.append(next);
        }
        return b.toString();
    }
}
