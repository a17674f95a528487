package io.eventgate.frontdoor;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * API Gateway proxy events for the tests, from the fixtures in {@code src/test/resources/lambda/}
 * (modelled on real events), read into maps the way the Lambda Java runtime hands them to a
 * {@code RequestHandler<Map<String, Object>, ...>}, then adjusted per test.
 */
final class LambdaEvents {

    static final ObjectMapper JSON = new ObjectMapper();

    private LambdaEvents() {
    }

    static Map<String, Object> fixture(String name) {
        try (InputStream in = LambdaEvents.class.getResourceAsStream("/lambda/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return JSON.readValue(in, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A REST API (1.0) request without body to {@code path}, on a resource of the same name. */
    static Map<String, Object> v1(String method, String path) {
        Map<String, Object> event = fixture("v1-get.json");
        event.put("httpMethod", method);
        event.put("path", path);
        event.put("resource", path);
        Map<String, Object> context = map(event, "requestContext");
        context.put("httpMethod", method);
        context.put("resourcePath", path);
        context.put("path", "/" + context.get("stage") + path);
        return event;
    }

    /** A REST API (1.0) publish of {@code body} to {@code topic} with {@code Authorization: Bearer <token>}. */
    static Map<String, Object> v1Publish(String topic, String token, String body) {
        Map<String, Object> event = fixture("v1-post-topic.json");
        event.put("path", "/topics/" + topic);
        map(event, "pathParameters").put("topic_name", topic);
        map(event, "requestContext").put("path", "/DEV/topics/" + topic);
        if (token == null) {
            removeHeader(event, "Authorization");
        } else {
            setHeader(event, "Authorization", "Bearer " + token);
        }
        event.put("body", body);
        return event;
    }

    /** An HTTP API (2.0) request without body, on the {@code $default} stage. */
    static Map<String, Object> v2(String method, String path) {
        Map<String, Object> event = fixture("v2-get.json");
        event.put("rawPath", path);
        Map<String, Object> http = map(map(event, "requestContext"), "http");
        http.put("method", method);
        http.put("path", path);
        return event;
    }

    /** An HTTP API (2.0) publish on stage {@code dev}: the body base64, as HTTP API sends it. */
    static Map<String, Object> v2Publish(String topic, String token, String body) {
        Map<String, Object> event = fixture("v2-post-topic.json");
        event.put("rawPath", "/dev/topics/" + topic);
        map(map(event, "requestContext"), "http").put("path", "/dev/topics/" + topic);
        map(event, "pathParameters").put("topic_name", topic);
        if (token == null) {
            removeHeader(event, "authorization");
        } else {
            setHeader(event, "authorization", "Bearer " + token);
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        setHeader(event, "content-length", String.valueOf(bytes.length));
        event.put("body", Base64.getEncoder().encodeToString(bytes));
        event.put("isBase64Encoded", true);
        return event;
    }

    /** Sets a header as API Gateway would: in {@code headers} and, for 1.0, in {@code multiValueHeaders}. */
    static void setHeader(Map<String, Object> event, String name, String value) {
        map(event, "headers").put(name, value);
        if (event.get("multiValueHeaders") != null) {
            map(event, "multiValueHeaders").put(name, new ArrayList<>(List.of(value)));
        }
    }

    static void removeHeader(Map<String, Object> event, String name) {
        map(event, "headers").remove(name);
        if (event.get("multiValueHeaders") != null) {
            map(event, "multiValueHeaders").remove(name);
        }
    }

    /**
     * Adds a query string parameter as API Gateway would: for 1.0 in {@code queryStringParameters} and
     * {@code multiValueQueryStringParameters}, for 2.0 in {@code queryStringParameters} and
     * {@code rawQueryString} (URL-encoded).
     */
    static Map<String, Object> withQuery(Map<String, Object> event, String name, String value) {
        event.computeIfAbsent("queryStringParameters", k -> new LinkedHashMap<>());
        map(event, "queryStringParameters").put(name, value);
        if ("2.0".equals(event.get("version"))) {
            String raw = (String) event.getOrDefault("rawQueryString", "");
            event.put("rawQueryString", (raw.isEmpty() ? "" : raw + "&") + name + "="
                    + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
        } else {
            event.computeIfAbsent("multiValueQueryStringParameters", k -> new LinkedHashMap<>());
            map(event, "multiValueQueryStringParameters").put(name, new ArrayList<>(List.of(value)));
        }
        return event;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> headers(Map<String, Object> response) {
        return (Map<String, String>) response.get("headers");
    }
}
