package io.eventgate.hostile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A structured {@link HostileCase} request as the API Gateway proxy events that carry it to the
 * Lambda handler, built on the recorded events in {@code src/test/resources/lambda/}: a REST API
 * (payload 1.0) event on stage {@code DEV}, and an HTTP API (payload 2.0) event on stage {@code dev}.
 * Only the request's own headers are kept from the recording's, with the recorded client's
 * {@code Accept}, {@code Host} and {@code User-Agent}.
 */
final class ProxyEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProxyEvents() {
    }

    enum Version { V1, V2 }

    static Map<String, Object> of(Version version, HostileCase request) {
        return version == Version.V1 ? v1(request) : v2(request);
    }

    /**
     * REST API: the path without stage, headers in {@code headers} (the last value of a name) and
     * {@code multiValueHeaders}, the query in the two query parameter maps, the body as text when it
     * is UTF-8 (as API Gateway passes a text body), else base64 (a binary media type).
     */
    static Map<String, Object> v1(HostileCase request) {
        Map<String, Object> event = fixture("v1-post-topic.json");
        String path = request.path();
        event.put("httpMethod", request.method);
        event.put("path", path);
        event.put("resource", topicOf(path) == null ? path : "/topics/{topic_name}");
        event.put("pathParameters", topicOf(path) == null ? null : new LinkedHashMap<>(Map.of("topic_name", topicOf(path))));
        Map<String, Object> context = map(event, "requestContext");
        context.put("httpMethod", request.method);
        context.put("path", "/DEV" + path);
        context.put("resourcePath", event.get("resource"));

        Map<String, Object> headers = new LinkedHashMap<>();
        Map<String, Object> multi = new LinkedHashMap<>();
        for (String name : List.of("Accept", "Host", "User-Agent")) {
            headers.put(name, map(event, "headers").get(name));
            multi.put(name, new ArrayList<>(List.of(map(event, "headers").get(name))));
        }
        for (String[] header : request.headers) {
            headers.put(header[0], header[1]);
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) multi.computeIfAbsent(header[0], n -> new ArrayList<>());
            values.add(header[1]);
        }
        event.put("headers", headers);
        event.put("multiValueHeaders", multi);

        Map<String, Object> query = new LinkedHashMap<>();
        Map<String, Object> multiQuery = new LinkedHashMap<>();
        for (String[] parameter : queryParameters(request.query())) {
            query.put(parameter[0], parameter[1]);
            @SuppressWarnings("unchecked")
            List<Object> values = (List<Object>) multiQuery.computeIfAbsent(parameter[0], n -> new ArrayList<>());
            values.add(parameter[1]);
        }
        event.put("queryStringParameters", query.isEmpty() ? null : query);
        event.put("multiValueQueryStringParameters", multiQuery.isEmpty() ? null : multiQuery);

        String text = request.body == null ? null : utf8(request.body);
        if (request.body == null) {
            event.put("body", null);
            event.put("isBase64Encoded", false);
        } else if (text != null) {
            event.put("body", text);
            event.put("isBase64Encoded", false);
        } else {
            event.put("body", Base64.getEncoder().encodeToString(request.body));
            event.put("isBase64Encoded", true);
        }
        return event;
    }

    /**
     * HTTP API: {@code rawPath} with the stage in front, header names in lower case (repeated ones
     * joined by commas, as HTTP API does), the raw query string, and the body in base64.
     */
    static Map<String, Object> v2(HostileCase request) {
        Map<String, Object> event = fixture("v2-post-topic.json");
        String path = request.path();
        event.put("rawPath", "/dev" + path);
        event.put("rawQueryString", request.query());
        event.put("routeKey", request.method + " " + (topicOf(path) == null ? path : "/topics/{topic_name}"));
        event.put("pathParameters", topicOf(path) == null ? null : new LinkedHashMap<>(Map.of("topic_name", topicOf(path))));
        Map<String, Object> http = map(map(event, "requestContext"), "http");
        http.put("method", request.method);
        http.put("path", "/dev" + path);
        map(event, "requestContext").put("routeKey", event.get("routeKey"));

        Map<String, Object> headers = new LinkedHashMap<>();
        for (String name : List.of("accept", "host", "user-agent")) {
            headers.put(name, map(event, "headers").get(name));
        }
        for (String[] header : request.headers) {
            headers.merge(header[0].toLowerCase(Locale.ROOT), header[1], (a, b) -> a + "," + b);
        }
        Map<String, Object> query = new LinkedHashMap<>();
        for (String[] parameter : queryParameters(request.query())) {
            query.merge(parameter[0], parameter[1], (a, b) -> a + "," + b);
        }
        event.put("queryStringParameters", query.isEmpty() ? null : query);
        if (request.body == null) {
            event.remove("body");
            event.put("isBase64Encoded", false);
        } else {
            headers.put("content-length", String.valueOf(request.body.length));
            event.put("body", Base64.getEncoder().encodeToString(request.body));
            event.put("isBase64Encoded", true);
        }
        event.put("headers", headers);
        return event;
    }

    /** The topic segment of {@code /topics/<topic>}, as API Gateway would match it, or null. */
    private static String topicOf(String path) {
        if (!path.startsWith("/topics/")) {
            return null;
        }
        String rest = path.substring("/topics/".length());
        return rest.isEmpty() || rest.contains("/") ? null : rest;
    }

    private static List<String[]> queryParameters(String query) {
        List<String[]> parameters = new ArrayList<>();
        if (query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.add(new String[] {URLDecoder.decode(name, StandardCharsets.UTF_8),
                URLDecoder.decode(value, StandardCharsets.UTF_8)});
        }
        return parameters;
    }

    /** The bytes as text when they are UTF-8, else null. */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Map<String, Object> fixture(String name) {
        try (InputStream in = ProxyEvents.class.getResourceAsStream("/lambda/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no recorded event " + name);
            }
            return JSON.readValue(in, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }
}
