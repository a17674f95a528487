package io.eventgate.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One row of the hostile-input table: a request that EventGate must refuse, what it must answer,
 * and the marker (a fresh id, in the body when there is one) that no sink may ever hold.
 *
 * <p>A request is either structured (method, target, headers, body), which both front doors can be
 * given: the HTTP server as an HTTP/1.1 request with its {@code Content-Length}, the Lambda handler as
 * API Gateway proxy events; or raw bytes for the HTTP server alone (the cases of the HTTP layer).
 */
final class HostileCase {

    /**
     * What a front door must answer: the status, the type of every error, a part of the message of one
     * of them, and how many there are.
     */
    record Expect(int status, String type, String fragment, int errors) {
    }

    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    final String name;
    /** The first id in the body: what no sink may hold. Without a body, or an id in it, a fresh one. */
    String marker = UUID.randomUUID().toString();
    /** The topic whose Kafka records are read back after the case (the valid event goes there too). */
    String topic = HostileInputTest.TEST;
    String method = "POST";
    String target;
    final List<String[]> headers = new ArrayList<>();
    byte[] body;
    /** HTTP only: these very bytes are sent instead of a request made from the fields above. */
    byte[] raw;
    Expect http;
    /** Null: the case does not apply to the Lambda handler (it is about the HTTP layer). */
    Expect lambda;
    /** When above zero, the answer must come within this (a pattern that would backtrack). */
    long withinMillis;
    /** HTTP: the server must close the connection after its answer (so that nothing after is read as a request). */
    boolean closes;

    HostileCase(String name) {
        this.name = name;
    }

    HostileCase topic(String topic) {
        this.topic = topic;
        return this;
    }

    HostileCase request(String method, String target) {
        this.method = method;
        this.target = target;
        return this;
    }

    HostileCase header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    HostileCase bearer(String token) {
        return header("Authorization", "Bearer " + token);
    }

    HostileCase body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    HostileCase body(byte[] bytes) {
        this.body = bytes;
        return withMarkerOf(bytes);
    }

    /** HTTP only: the whole request as these bytes (Latin-1 text: one char, one byte). */
    HostileCase raw(String text) {
        return raw(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    HostileCase raw(byte[] bytes) {
        this.raw = bytes;
        return this;
    }

    /** The first id in these bytes (ASCII within whatever else) becomes the marker. */
    private HostileCase withMarkerOf(byte[] bytes) {
        Matcher id = ID.matcher(new String(bytes, StandardCharsets.ISO_8859_1));
        if (id.find()) {
            marker = id.group();
        }
        return this;
    }

    /** The same answer from both front doors (for a raw case, only the HTTP server is asked). */
    HostileCase expect(int status, String type, String fragment) {
        this.http = new Expect(status, type, fragment, 1);
        this.lambda = raw == null ? http : null;
        return this;
    }

    /** The HTTP server answers this; the case does not apply to the Lambda handler. */
    HostileCase httpOnly(int status, String type, String fragment) {
        this.http = new Expect(status, type, fragment, 1);
        this.lambda = null;
        return this;
    }

    /** One error per violation: this many (the expectations are set already). */
    HostileCase errors(int count) {
        http = new Expect(http.status(), http.type(), http.fragment(), count);
        lambda = lambda == null ? null : new Expect(lambda.status(), lambda.type(), lambda.fragment(), count);
        return this;
    }

    HostileCase closesConnection() {
        this.closes = true;
        return this;
    }

    HostileCase within(long millis) {
        this.withinMillis = millis;
        return this;
    }

    /** The path of {@link #target} without its query string. */
    String path() {
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /** The query string of {@link #target}, or "". */
    String query() {
        int query = target.indexOf('?');
        return query < 0 ? "" : target.substring(query + 1);
    }

    /** The HTTP/1.1 request: request line, Host, the headers, Content-Length when there is a body, the body. */
    byte[] httpRequest() {
        if (raw != null) {
            return raw;
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\n");
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[start.length + (body == null ? 0 : body.length)];
        System.arraycopy(start, 0, all, 0, start.length);
        if (body != null) {
            System.arraycopy(body, 0, all, start.length, body.length);
        }
        return all;
    }

    @Override
    public String toString() {
        return name;
    }
}
