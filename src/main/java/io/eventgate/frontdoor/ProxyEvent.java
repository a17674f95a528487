package io.eventgate.frontdoor;

import io.eventgate.gateway.Responses;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An API Gateway Lambda proxy event, reduced to what the gateway needs: method, path (without
 * stage), case-insensitive headers and body. Both payload formats are read: REST API (1.0:
 * {@code httpMethod}, {@code path}, {@code headers} / {@code multiValueHeaders}) and HTTP API
 * (2.0: {@code requestContext.http.method}, {@code rawPath}, {@code headers}, {@code cookies}).
 * {@link #response} builds the proxy response, which has the same shape for both formats.
 *
 * <p>The query string ({@code queryStringParameters}, {@code multiValueQueryStringParameters},
 * {@code rawQueryString}) is never read: the gateway takes nothing from it, and above all not a
 * token, so {@code ?bearer=<jwt>} or {@code ?Authorization=Bearer <jwt>} count for nothing.
 *
 * @param method  HTTP method, upper case
 * @param path    request path without API Gateway stage or query string
 * @param headers request headers, case-insensitive
 * @param body    {@code String}, {@code byte[]} (a base64 body, decoded) or null
 */
record ProxyEvent(String method, String path, Map<String, String> headers, Object body) {

    /** Reads a 1.0 or 2.0 proxy event. */
    static ProxyEvent parse(Map<String, Object> event) {
        boolean v2 = "2.0".equals(text(event.get("version")));
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String method;
        String path;
        if (v2) {
            method = text(map(map(event.get("requestContext")).get("http")).get("method"));
            path = withoutStage(text(event.get("rawPath")), text(map(event.get("requestContext")).get("stage")));
            putAll(headers, event.get("headers"));
            List<?> cookies = event.get("cookies") instanceof List<?> list ? list : List.of();
            if (!cookies.isEmpty() && !headers.containsKey("Cookie")) {
                headers.put("Cookie", String.join("; ", cookies.stream().map(String::valueOf).toList()));
            }
        } else {
            method = text(event.get("httpMethod"));
            path = text(event.get("path"));
            // A 1.0 event repeats every header in both maps; "headers" holds the last value only.
            map(event.get("multiValueHeaders")).forEach((name, values) -> {
                if (values instanceof List<?> list && !list.isEmpty()) {
                    headers.put(name, String.join(",", list.stream().map(String::valueOf).toList()));
                }
            });
            putAll(headers, event.get("headers"));
        }
        String body = text(event.get("body"));
        Object decoded = body != null && Boolean.parseBoolean(String.valueOf(event.get("isBase64Encoded")))
                ? Base64.getMimeDecoder().decode(body)
                : body;
        return new ProxyEvent(method == null ? "" : method.toUpperCase(Locale.ROOT),
                path == null || path.isEmpty() ? "/" : path, headers, decoded);
    }

    /** HTTP API puts a named stage in front of the path ({@code /dev/topics}); {@code $default} adds none. */
    static String withoutStage(String rawPath, String stage) {
        if (rawPath == null || stage == null || stage.isEmpty() || stage.equals("$default")) {
            return rawPath;
        }
        String prefix = "/" + stage;
        if (rawPath.equals(prefix)) {
            return "/";
        }
        return rawPath.startsWith(prefix + "/") ? rawPath.substring(prefix.length()) : rawPath;
    }

    /**
     * The proxy response for the gateway's answer: status, the {@code Content-Type} and
     * {@code Location} headers (nothing of the request), and the body, base64 when it is binary.
     */
    static Map<String, Object> response(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        String location = message.getHeader("Location", String.class);
        if (location != null) {
            headers.put("Location", location);
        }
        Object body = message.getBody();
        if (body == null || body instanceof String) {
            return response(status, headers, body == null ? "" : (String) body, false);
        }
        byte[] bytes = message.getBody(byte[].class);
        if (bytes == null) {
            return response(status, headers, message.getBody(String.class), false);
        }
        return isText(contentType)
                ? response(status, headers, new String(bytes, StandardCharsets.UTF_8), false)
                : response(status, headers, Base64.getEncoder().encodeToString(bytes), true);
    }

    /** A contract error response ({@code {"success":false,...,"errors":[{type, message}]}}). */
    static Map<String, Object> error(int status, String type, String message) {
        var body = Responses.JSON.createObjectNode();
        body.put("success", false);
        body.put("statusCode", status);
        body.putArray("errors").addObject().put("type", type).put("message", message);
        return response(status, Map.of("Content-Type", Responses.APPLICATION_JSON), body.toString(), false);
    }

    private static Map<String, Object> response(int status, Map<String, String> headers, String body, boolean base64) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("statusCode", status);
        response.put("headers", headers);
        response.put("body", body);
        response.put("isBase64Encoded", base64);
        return response;
    }

    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
        return type.startsWith("text/") || type.endsWith("+json") || type.endsWith("+xml")
                || type.equals("application/json") || type.equals("application/yaml")
                || type.equals("application/xml") || type.equals("application/javascript");
    }

    private static void putAll(Map<String, String> target, Object headers) {
        map(headers).forEach((name, value) -> {
            if (value != null) {
                target.put(name, String.valueOf(value));
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String text(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
