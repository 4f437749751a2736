package org.syshotplug.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The one place JSON is configured (Jackson 2): strict on input — unknown fields, trailing tokens,
 * duplicate keys, nulls for primitives, scalars of the wrong type and deep nesting are all errors —
 * and plain on output (nulls left out, ISO-8601 times).
 */
final class Json {

    static final String JSON = "application/json";
    static final String PROBLEM = "application/problem+json";

    static final ObjectMapper MAPPER = mapper();

    private Json() {
    }

    private static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        // "force": "" must not become false, nor "devices": "" an empty list.
        m.coercionConfigDefaults().setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(16).maxStringLength(4096).maxNumberLength(20).maxNameLength(256).build());
        m.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
        return m;
    }

    static void write(HttpServletResponse response, int status, Object body) throws IOException {
        write(response, status, JSON, body);
    }

    static void write(HttpServletResponse response, int status, String contentType, Object body) throws IOException {
        byte[] bytes = MAPPER.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(contentType);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(bytes.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(bytes);
        }
    }

    static void problem(HttpServletRequest request, HttpServletResponse response, ApiProblem p) throws IOException {
        // A body left unread would be taken for the next request on this connection: end the connection instead.
        if (request.getContentLengthLong() != 0 || request.getHeader("Transfer-Encoding") != null) {
            response.setHeader("Connection", "close");
        }
        problem(response, p, request.getRequestURI());
    }

    static void problem(HttpServletResponse response, ApiProblem p, String instance) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", p.type());
        body.put("title", p.title);
        body.put("status", p.status);
        body.put("detail", p.getMessage());
        if (instance != null) {
            body.put("instance", instance);
        }
        if (p.field != null) {
            body.put("field", p.field);
        }
        if (p.status == 401) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"syshotplug\", charset=\"UTF-8\"");
            response.addHeader("WWW-Authenticate", "Bearer realm=\"syshotplug\"");
        }
        write(response, p.status, PROBLEM, body);
    }

    static String text(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
