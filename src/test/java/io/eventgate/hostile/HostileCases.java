package io.eventgate.hostile;

import io.eventgate.testsupport.Events;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.eventgate.hostile.HostileInputTest.RUNS;
import static io.eventgate.hostile.HostileInputTest.STATUS_CHANGE;
import static io.eventgate.hostile.HostileInputTest.TEST;

/**
 * The table of hostile requests (issue 9). Every row is refused; none may reach a sink. Each has a
 * fresh marker, the id of the event in its body (or, without a body, of nothing), which the suite
 * then looks for in Kafka and Postgres.
 */
final class HostileCases {

    static final String TOPIC_PATH = "/topics/" + TEST;
    static final String MISSING = "Token is missing";
    static final String MALFORMED = "Token is malformed";
    static final String ALGORITHM = "Token algorithm is not accepted";
    static final String NOT_SIGNED = "Token is not signed by a configured key";
    static final String EXPIRED = "Token has expired";
    static final String NOT_YET_VALID = "Token is not yet valid";
    static final String NO_EXPIRY = "Token has no expiry";
    static final String AUDIENCE = "Token audience is not accepted";
    static final String ISSUER = "Token issuer is not accepted";
    static final String NOT_JSON = "Request body is not valid JSON";
    static final String NOT_OBJECT = "Request body must be a JSON object";
    static final String NOT_UTF8 = "Request body is not valid UTF-8";
    static final String TWICE = "the key appears more than once in its object";

    private final HostileTokens tokens;
    private final int maxBodyBytes;
    private final List<HostileCase> cases = new ArrayList<>();

    private HostileCases(HostileTokens tokens, int maxBodyBytes) {
        this.tokens = tokens;
        this.maxBodyBytes = maxBodyBytes;
    }

    static List<HostileCase> all(HostileTokens tokens, int maxBodyBytes) {
        HostileCases table = new HostileCases(tokens, maxBodyBytes);
        table.tokens();
        table.pathsAndMethods();
        table.access();
        table.bodies();
        table.sinkLimits();
        table.batches();
        table.stats();
        table.httpLayer();
        return table.cases;
    }

    /** A publish of a valid test event (its id the marker) by TestUser, to be made hostile by the caller. */
    private HostileCase publish(String name) {
        HostileCase c = new HostileCase(name).request("POST", TOPIC_PATH).body(Events.test(Events.id()));
        cases.add(c);
        return c;
    }

    private HostileCase publishWithToken(String name, String token) {
        return publish(name).bearer(token);
    }

    private String valid() {
        return tokens.valid("TestUser");
    }

    // --- tokens: only from Authorization or the legacy bearer header, RS256, by a configured key, in time, with exp, aud, iss ---

    private void tokens() {
        publish("token: none at all").expect(401, "auth", MISSING);
        publish("token: empty Authorization header").header("Authorization", "").expect(401, "auth", MISSING);
        publish("token: the scheme word and no token").header("Authorization", "Bearer ").expect(401, "auth", MISSING);
        publish("token: a valid token under the Basic scheme").header("Authorization", "Basic " + valid())
                .expect(401, "auth", MISSING);
        publish("token: a valid token without a scheme word").header("Authorization", valid()).expect(401, "auth", MISSING);
        publish("token: scheme word and token run together").header("Authorization", "Bearer" + valid())
                .expect(401, "auth", MISSING);
        publishWithToken("token: not a JWT", "not-a-jwt").expect(401, "auth", MALFORMED);
        publishWithToken("token: three short segments", "a.b.c").expect(401, "auth", MALFORMED);
        String[] parts = valid().split("\\.");
        publishWithToken("token: two segments, no signature part", parts[0] + "." + parts[1]).expect(401, "auth", MALFORMED);
        publishWithToken("token: a signature that is not base64url", tokens.signatureNotBase64("TestUser"))
                .expect(401, "auth", MALFORMED);
        publishWithToken("token: two tokens in one header", valid() + " " + valid()).expect(401, "auth", MALFORMED);
        publishWithToken("token: signed content that is not claims", tokens.payloadNotJson()).expect(401, "auth", ALGORITHM);
        publishWithToken("token: alg none", tokens.algNone("TestUser")).expect(401, "auth", ALGORITHM);
        publishWithToken("token: HS256 keyed with the public key's bytes", tokens.hs256WithPublicKey("TestUser"))
                .expect(401, "auth", ALGORITHM);
        publishWithToken("token: RS384 by the configured key", tokens.rs384("TestUser")).expect(401, "auth", ALGORITHM);
        publishWithToken("token: encrypted to the configured key (JWE)", tokens.encrypted("TestUser"))
                .expect(401, "auth", ALGORITHM);
        publishWithToken("token: signed by another key", tokens.otherKey("TestUser")).expect(401, "auth", NOT_SIGNED);
        publishWithToken("token: another key offered in its own jwk header", tokens.embeddedJwk("TestUser"))
                .expect(401, "auth", NOT_SIGNED);
        publishWithToken("token: another key behind a jku header", tokens.jkuHeader("TestUser"))
                .expect(401, "auth", NOT_SIGNED);
        publishWithToken("token: payload swapped for another subject's", tokens.tampered("FooUser", "TestUser"))
                .expect(401, "auth", NOT_SIGNED);
        publishWithToken("token: expired", tokens.expired("TestUser")).expect(401, "auth", EXPIRED);
        publish("token: expired, in the legacy bearer header").header("bearer", tokens.expired("TestUser"))
                .expect(401, "auth", EXPIRED);
        publishWithToken("token: not yet valid", tokens.notYetValid("TestUser")).expect(401, "auth", NOT_YET_VALID);
        publishWithToken("token: no exp", tokens.withoutExpiry("TestUser")).expect(401, "auth", NO_EXPIRY);
        publishWithToken("token: another audience", tokens.otherAudience("TestUser")).expect(401, "auth", AUDIENCE);
        publishWithToken("token: no audience", tokens.noAudience("TestUser")).expect(401, "auth", AUDIENCE);
        publishWithToken("token: another issuer", tokens.otherIssuer("TestUser")).expect(401, "auth", ISSUER);
        String query = "?bearer=" + valid() + "&Authorization=Bearer%20" + valid() + "&access_token=" + valid();
        publish("token: only in the query string of a publish").request("POST", TOPIC_PATH + query)
                .expect(401, "auth", MISSING);
        String admin = tokens.valid("EventGateAdmin");
        terminate("token: only in the query string of /terminate")
                .request("POST", "/terminate?bearer=" + admin + "&Authorization=Bearer%20" + admin)
                .expect(401, "auth", MISSING);
        terminate("token: an admin's without exp on /terminate").bearer(tokens.withoutExpiry("EventGateAdmin"))
                .expect(401, "auth", NO_EXPIRY);
        terminate("token: an expired admin's on /terminate").bearer(tokens.expired("EventGateAdmin"))
                .expect(401, "auth", EXPIRED);
        publishWithToken("token: 100 KB long", "e" + "A".repeat(100_000))
                .httpOnly(431, "validation", "Request headers are larger than the limit");
    }

    private HostileCase terminate(String name) {
        HostileCase c = new HostileCase(name).request("POST", "/terminate");
        cases.add(c);
        return c;
    }

    // --- paths and methods ---

    private void pathsAndMethods() {
        publishWithToken("path: /topics/%zz", valid()).request("POST", "/topics/%zz")
                .expect(400, "validation", "Request path is not valid URL encoding");
        publishWithToken("path: an escape cut short", valid()).request("POST", "/topics/public.cps.za.test%A")
                .expect(400, "validation", "Request path is not valid URL encoding");
        publishWithToken("path: unknown topic", valid()).request("POST", "/topics/public.cps.za.nope")
                .expect(404, "topic", "public.cps.za.nope");
        publishWithToken("path: an encoded slash after the topic", valid()).request("POST", "/topics/public.cps.za.test%2Fextra")
                .expect(404, "topic", "not found");
        publishWithToken("path: encoded dot-dot segments", valid()).request("POST", "/topics/..%2F..%2Fetc%2Fpasswd")
                .expect(404, "topic", "not found");
        publishWithToken("path: an encoded NUL after the topic", valid()).request("POST", "/topics/public.cps.za.test%00")
                .expect(404, "topic", "not found");
        publishWithToken("path: /topics/ without a topic", valid()).request("POST", "/topics/")
                .expect(404, "route", "Resource not found");
        publishWithToken("path: a segment after the topic", valid()).request("POST", TOPIC_PATH + "/extra")
                .expect(404, "route", "Resource not found");
        publishWithToken("path: a doubled leading slash", valid()).request("POST", "/" + TOPIC_PATH)
                .expect(404, "route", "Resource not found");
        publishWithToken("path: /TOPICS in upper case", valid()).request("POST", "/TOPICS/" + TEST)
                .expect(404, "route", "Resource not found");
        publishWithToken("method: PUT on a topic", valid()).request("PUT", TOPIC_PATH).expect(404, "route", "Resource not found");
        publishWithToken("method: PATCH on a topic", valid()).request("PATCH", TOPIC_PATH).expect(404, "route", "Resource not found");
        publishWithToken("method: DELETE on a topic", valid()).request("DELETE", TOPIC_PATH)
                .expect(404, "route", "Resource not found");
        publishWithToken("method: one that HTTP does not define", valid()).request("BREW", TOPIC_PATH)
                .expect(404, "route", "Resource not found");
        terminate("method: GET /terminate by an admin").request("GET", "/terminate").bearer(tokens.valid("EventGateAdmin"))
                .expect(404, "route", "Resource not found");
        terminate("path: /terminate by a user who is not an admin").bearer(valid())
                .expect(403, "auth", "not authorized to reload");
    }

    // --- access and field constraints ---

    /** A publish of a valid runs event by RestrictedTestUser (source_app restricted-app, environment dev, tenant avms). */
    private HostileCase restricted(String name, String body) {
        return restricted(name, body, "RestrictedTestUser");
    }

    private HostileCase restricted(String name, String body, String user) {
        HostileCase c = new HostileCase(name).topic(RUNS).request("POST", "/topics/" + RUNS)
                .bearer(tokens.valid(user)).body(body);
        cases.add(c);
        return c;
    }

    private static String runs(String marker) {
        return Events.runs(marker, "restricted-app", "dev", "avms");
    }

    private void access() {
        publishWithToken("access: a user not listed for the topic", tokens.valid("FooUser"))
                .expect(403, "auth", "User not authorized for topic");
        publishWithToken("access: a token without sub", tokens.noSubject()).expect(403, "auth", "User not authorized for topic");
        publishWithToken("access: an admin, who may not publish", tokens.valid("EventGateAdmin"))
                .expect(403, "auth", "User not authorized for topic");
        publishWithToken("access: the subject with a trailing space", tokens.valid("TestUser "))
                .expect(403, "auth", "User not authorized for topic");
        publishWithToken("access: a constrained user on another topic", tokens.valid("RestrictedTestUser"))
                .expect(403, "auth", "User not authorized for topic");
        String m = Events.id();
        restricted("constraint: a value not permitted", Events.runs(m, "other-app", "dev", "avms"))
                .expect(403, "permission", "field 'source_app' value is not permitted");
        m = Events.id();
        restricted("constraint: environment prod", Events.runs(m, "restricted-app", "prod", "avms"))
                .expect(403, "permission", "field 'environment' value is not permitted");
        m = Events.id();
        restricted("constraint: a constrained field missing", runs(m).replace("\"tenant_id\": \"avms\", ", ""))
                .expect(403, "permission", "field 'tenant_id' is required");
        m = Events.id();
        restricted("constraint: a constrained field null", runs(m).replace("\"restricted-app\"", "null"))
                .expect(403, "permission", "field 'source_app' is required");
        m = Events.id();
        restricted("constraint: the permitted value inside an array", runs(m).replace("\"restricted-app\"", "[\"restricted-app\"]"))
                .expect(403, "permission", "field 'source_app' is required");
        m = Events.id();
        restricted("constraint: the permitted value inside an object",
                runs(m).replace("\"restricted-app\"", "{\"source_app\": \"restricted-app\"}"))
                .expect(403, "permission", "field 'source_app' is required");
        m = Events.id();
        restricted("constraint: the permitted value and a newline", runs(m).replace("\"restricted-app\"", "\"restricted-app\\n\""))
                .expect(403, "permission", "field 'source_app' value is not permitted");
        m = Events.id();
        restricted("constraint: the permitted value as a prefix", Events.runs(m, "restricted-app-evil", "dev", "avms"))
                .expect(403, "permission", "field 'source_app' value is not permitted");
        m = Events.id();
        restricted("constraint: the permitted value in another case", Events.runs(m, "Restricted-App", "dev", "avms"))
                .expect(403, "permission", "field 'source_app' value is not permitted");
        m = Events.id();
        restricted("constraint: the first of a duplicated key permitted, the second not",
                runs(m).replace("\"source_app\": \"restricted-app\"", "\"source_app\": \"restricted-app\", \"source_app\": \"evil\""))
                .expect(400, "validation", "/source_app: " + TWICE);
        m = Events.id();
        restricted("constraint: a value that backtracks exponentially in java.util.regex",
                Events.runs(m, "a".repeat(200_000) + "!", "dev", "avms"), HostileInputTest.REDOS_USER)
                .expect(403, "permission", "field 'source_app' value is not permitted")
                .within(2000);
        m = Events.id();
        restricted("constraint: an overlong '-' (C0 AD) that a lenient decoder reads as restricted-app", runs(m))
                .body(withBytes(runs(m).replace("restricted-app", "restricted@app"), 0xC0, 0xAD))
                .expect(400, "validation", NOT_UTF8 + ": byte C0 at offset");
    }

    // --- bodies: JSON, Unicode, keys, schema ---

    private HostileCase body(String name, byte[] body) {
        return publish(name).bearer(valid()).body(body);
    }

    private HostileCase body(String name, String body) {
        return body(name, body.getBytes(StandardCharsets.UTF_8));
    }

    private void bodies() {
        String m;
        publish("body: empty").bearer(valid()).body(new byte[0]).expect(400, "validation", "Request body is empty");
        body("body: only whitespace", " \r\n\t ").expect(400, "validation", "Request body");
        m = Events.id();
        body("body: plain text", "event " + m).expect(400, "validation", NOT_JSON);
        body("body: JSON null", "null").expect(400, "validation", NOT_OBJECT);
        body("body: JSON true", "true").expect(400, "validation", NOT_OBJECT);
        body("body: a JSON number", "42").expect(400, "validation", NOT_OBJECT);
        m = Events.id();
        body("body: a JSON string", "\"" + m + "\"").expect(400, "validation", NOT_OBJECT);
        body("body: an empty JSON array", "[]").expect(400, "validation", NOT_OBJECT);
        m = Events.id();
        body("body: the event inside an array", "[" + Events.test(m) + "]").expect(400, "validation", NOT_OBJECT);
        m = Events.id();
        body("body: garbage after the object", Events.test(m) + " x").expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: two objects", Events.test(m) + Events.test(m))
                .expect(400, "validation", "there is more after the JSON value");
        m = Events.id();
        String event = Events.test(m);
        body("body: cut short", event.substring(0, event.length() - 12)).expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: cut short after a value", Events.test(m).replace("}}", "")).expect(400, "validation",
                "it ends before the JSON value is complete");
        m = Events.id();
        body("body: brackets that do not match", Events.test(m).replace("}}", "]}")).expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: nested 5000 arrays deep", Events.test(m).replace("\"hello\"", "[".repeat(5000) + "]".repeat(5000)))
                .expect(400, "validation", "it is nested deeper than 1000 levels");
        m = Events.id();
        body("body: a number of 2000 digits", Events.test(m).replace("1732000000000", "9".repeat(2000)))
                .expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: a key of 60000 characters", Events.test(m).replace("\"note\"", "\"" + "k".repeat(60_000) + "\""))
                .expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: a comment", Events.test(m).replace("{\"event_id\"", "{/* hi */ \"event_id\""))
                .expect(400, "validation", "unexpected character '/'");
        m = Events.id();
        body("body: single quotes", Events.test(m).replace('"', '\'')).expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: NaN", Events.test(m).replace("1732000000000", "NaN")).expect(400, "validation", "a number is not valid JSON");
        m = Events.id();
        body("body: a leading plus sign", Events.test(m).replace("1732000000000", "+1732000000000"))
                .expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: a leading zero", Events.test(m).replace("1732000000000", "01732000000000")).expect(400, "validation", NOT_JSON);
        m = Events.id();
        body("body: a raw control character in a string", Events.test(m).replace("\"hello\"", "\"hel\u0001lo\""))
                .expect(400, "validation", NOT_JSON);
        // invalid UTF-8, each at the '@' of a valid event
        invalidUtf8("utf-8: an overlong '-' (C0 AD)", NOT_UTF8 + ": byte C0 at offset", 0xC0, 0xAD);
        invalidUtf8("utf-8: an overlong 3-byte '/' (E0 80 AF)", NOT_UTF8, 0xE0, 0x80, 0xAF);
        invalidUtf8("utf-8: an encoded surrogate (ED A0 80)", NOT_UTF8 + ": byte", 0xED, 0xA0, 0x80);
        invalidUtf8("utf-8: a truncated sequence (E2 82)", NOT_UTF8 + ": bytes E2 82 at offset", 0xE2, 0x82);
        invalidUtf8("utf-8: a byte UTF-8 never uses (FF)", NOT_UTF8 + ": byte FF at offset", 0xFF);
        invalidUtf8("utf-8: a lone continuation byte (80)", NOT_UTF8 + ": byte 80 at offset", 0x80);
        invalidUtf8("utf-8: a code point past U+10FFFF (F4 90 80 80)", NOT_UTF8, 0xF4, 0x90, 0x80, 0x80);
        m = Events.id();
        body("utf-8: a sequence cut off at the end of the body", concat(Events.test(m).getBytes(StandardCharsets.UTF_8), 0xF0, 0x9F))
                .expect(400, "validation", NOT_UTF8);
        m = Events.id();
        body("utf-8: a leading byte-order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                Events.test(m).getBytes(StandardCharsets.UTF_8))).expect(400, "validation", "byte-order mark");
        m = Events.id();
        body("utf-8: UTF-16 with its byte-order mark", concat(new byte[] {(byte) 0xFE, (byte) 0xFF},
                Events.test(m).getBytes(StandardCharsets.UTF_16BE))).expect(400, "validation", NOT_UTF8 + ": byte FE at offset 0");
        m = Events.id();
        body("unicode: an unpaired high surrogate escape in a string", Events.test(m).replace("\"DEMO\"", "\"DE\\ud800MO\""))
                .expect(400, "validation", "/tenant_id: the string holds an unpaired UTF-16 surrogate (\\ud800");
        m = Events.id();
        body("unicode: an unpaired low surrogate escape in a key", Events.test(m).replace("\"note\"", "\"no\\udc00te\""))
                .expect(400, "validation", "the key holds an unpaired UTF-16 surrogate (\\udc00");
        m = Events.id();
        body("unicode: a surrogate pair in the wrong order", Events.test(m).replace("\"hello\"", "\"\\udc00\\ud800\""))
                .expect(400, "validation", "/additional_info/note: the string holds an unpaired UTF-16 surrogate");
        m = Events.id();
        body("keys: a top-level key twice, different values",
                Events.test(m).replace("\"tenant_id\": \"DEMO\"", "\"tenant_id\": \"DEMO\", \"tenant_id\": \"OTHER\""))
                .expect(400, "validation", "/tenant_id: " + TWICE);
        m = Events.id();
        body("keys: a top-level key twice, the same value",
                Events.test(m).replace("\"environment\": \"dev\"", "\"environment\": \"dev\", \"environment\": \"dev\""))
                .expect(400, "validation", "/environment: " + TWICE);
        m = Events.id();
        body("keys: a nested key twice", Events.test(m).replace("\"note\": \"hello\"", "\"note\": \"hello\", \"note\": \"bye\""))
                .expect(400, "validation", "/additional_info/note: " + TWICE);
        m = Events.id();
        body("keys: the same key spelled with an escape", Events.test(m).replace("\"environment\": \"dev\"",
                "\"environment\": \"dev\", \"environ\\u006dent\": \"prod\"")).expect(400, "validation", "/environment: " + TWICE);
        m = Events.id();
        publish("keys: a key twice in an array element").topic(RUNS).request("POST", "/topics/" + RUNS)
                .bearer(tokens.valid("FooBarUser"))
                .body(Events.runs(m, "app", "dev", "t").replace("\"status\": \"succeeded\"", "\"status\": \"succeeded\", \"status\": \"failed\""))
                .expect(400, "validation", "/jobs/0/status: " + TWICE);
        m = Events.id();
        body("schema: a number as a string", Events.test(m).replace("1732000000000", "\"1732000000000\""))
                .expect(400, "validation", "/timestamp: ");
        m = Events.id();
        body("schema: a required field missing", Events.test(m).replace("\"source_app\": \"tests\", ", ""))
                .expect(400, "validation", "/source_app: ");
        m = Events.id();
        body("schema: an object that is an array", Events.test(m).replace("{\"note\": \"hello\"}", "[\"note\"]"))
                .expect(400, "validation", "/additional_info: ");
        m = Events.id();
        body("schema: the id as a number", Events.test(m).replace("\"" + m + "\"", "1").replace("\"hello\"", "\"" + m + "\""))
                .expect(400, "validation", "/event_id: ");
        m = Events.id();
        body("schema: an empty object but for a note", "{\"additional_info\": {\"note\": \"" + m + "\"}}")
                .expect(400, "validation", "/event_id: required property").errors(5);
        m = Events.id();
        publish("schema: an enum broken in an array element").topic(RUNS).request("POST", "/topics/" + RUNS)
                .bearer(tokens.valid("FooBarUser"))
                .body(Events.runs(m, "app", "dev", "t").replace("\"status\": \"failed\"", "\"status\": \"exploded\""))
                .expect(400, "validation", "/jobs/1/status: ");
        m = Events.id();
        body("size: one byte over max_body_bytes", padTo(Events.test(m), maxBodyBytes + 1))
                .expect(413, "validation", "limit");
    }

    private void invalidUtf8(String name, String fragment, int... bytes) {
        String marker = Events.id();
        body(name, withBytes(Events.test(marker).replace("\"tests\"", "\"te@sts\""), bytes)).expect(400, "validation", fragment);
    }

    // --- batches (POST /topics/{topic}/batch): what refuses the whole request ---

    private HostileCase batch(String name, byte[] body) {
        return body(name, body).request("POST", TOPIC_PATH + "/batch");
    }

    private HostileCase batch(String name, String body) {
        return batch(name, body.getBytes(StandardCharsets.UTF_8));
    }

    private void batches() {
        String m = Events.id();
        batch("batch: one event, not in an array", Events.test(m)).expect(400, "validation", "must be a JSON array");
        batch("batch: an empty array", " [ ] ").expect(400, "validation", "The batch is empty");
        m = Events.id();
        batch("batch: garbage after the array", "[" + Events.test(m) + "] x").expect(400, "validation", NOT_JSON);
        m = Events.id();
        batch("batch: a trailing comma", "[" + Events.test(m) + ",]").expect(400, "validation", NOT_JSON);
        m = Events.id();
        batch("batch: a valid event then one that is not JSON", "[" + Events.test(m) + ",{\"a\":}]")
                .expect(400, "validation", NOT_JSON);
        m = Events.id();
        batch("batch: an element nested 5000 arrays deep", "[" + Events.test(m) + "," + "[".repeat(5000) + "]".repeat(5000) + "]")
                .expect(400, "validation", "it is nested deeper than 1000 levels");
        m = Events.id();
        batch("batch: 501 tiny events, over max_batch_events", "[" + Events.test(m) + ",{}".repeat(500) + "]")
                .expect(400, "validation", "The batch has more than 500 events");
        m = Events.id();
        batch("batch: valid events whose array is over max_body_bytes",
                "[" + (Events.test(m) + ",").repeat(maxBodyBytes / Events.test(m).length() + 1) + Events.test(m) + "]")
                .expect(413, "validation", String.valueOf(maxBodyBytes));
        m = Events.id();
        ByteArrayOutputStream latin1 = new ByteArrayOutputStream();
        latin1.writeBytes(("[" + Events.test(m).replace("\"hello\"", "\"caf")).getBytes(StandardCharsets.UTF_8));
        latin1.write(0xE9);
        latin1.writeBytes("\"}]".getBytes(StandardCharsets.UTF_8));
        batch("batch: an event in Latin-1", latin1.toByteArray()).expect(400, "validation", NOT_UTF8);
        m = Events.id();
        batch("batch: a byte-order mark", ("\uFEFF[" + Events.test(m) + "]").getBytes(StandardCharsets.UTF_8))
                .expect(400, "validation", "byte-order mark");
    }

    // --- values a sink cannot store (the Postgres sink is active) ---

    private void sinkLimits() {
        String m = Events.id();
        body("sink: NUL in a string", Events.test(m).replace("\"tests\"", "\"te\\u0000sts\""))
                .expect(400, "validation", "/source_app: ");
        m = Events.id();
        body("sink: NUL in a key", Events.test(m).replace("\"note\"", "\"no\\u0000te\""))
                .expect(400, "validation", "/additional_info/no");
        m = Events.id();
        body("sink: an integer beyond bigint", Events.test(m).replace("1732000000000", "99999999999999999999"))
                .expect(400, "validation", "/timestamp: out of the range of the Postgres column");
        m = Events.id();
        body("sink: 1e400 for a bigint", Events.test(m).replace("1732000000000", "1e400"))
                .expect(400, "validation", "/timestamp: ");
        m = Events.id();
        body("sink: -1e400 for a bigint", Events.test(m).replace("1732000000000", "-1e400"))
                .expect(400, "validation", "/timestamp: ");
        m = Events.id();
        body("sink: a number beyond numeric in jsonb", Events.test(m).replace("\"hello\"", "1e131072"))
                .expect(400, "validation", "/additional_info/note: ");
        m = Events.id();
        body("sink: a string longer than its varchar(255)", Events.test(m).replace("\"DEMO\"", "\"" + "é".repeat(256) + "\""))
                .expect(400, "validation", "/tenant_id: ");
        m = Events.id();
        statusChange("sink: attempt_number over integer", Events.statusChange(m, m, "RUNNING")
                .replace("\"attempt_number\": 1", "\"attempt_number\": 2147483648"))
                .expect(400, "validation", "/attempt_number: ");
        m = Events.id();
        statusChange("sink: attempt_number with a fraction", Events.statusChange(m, m, "RUNNING")
                .replace("\"attempt_number\": 1", "\"attempt_number\": 1.0"))
                .expect(400, "validation", "/attempt_number: ");
        m = Events.id();
        statusChange("sink: a timestamp past the interval's range", Events.statusChange(m, m, "RUNNING")
                .replace("1732000000000", "9223372036854775"))
                .expect(400, "validation", "/timestamp_event: ");
        m = Events.id();
        statusChange("sink: a timestamp before 4714 BC", Events.statusChange(m, m, "RUNNING")
                .replace("1732000000000", "-210866803200001"))
                .expect(400, "validation", "/timestamp_event: ");
        m = Events.id();
        statusChange("sink: a job_id that is not a UUID", Events.statusChange(m, "job-" + m, "RUNNING"))
                .expect(400, "validation", "/job_id: ");
        m = Events.id();
        statusChange("sink: no timestamp for a NOT NULL column", Events.statusChange(m, m, "RUNNING")
                .replace("\"timestamp_event\": 1732000000000,", ""))
                .expect(400, "validation", "/timestamp_event: ");
    }

    private HostileCase statusChange(String name, String body) {
        HostileCase c = new HostileCase(name).topic(STATUS_CHANGE).request("POST", "/topics/" + STATUS_CHANGE)
                .bearer(tokens.valid("TestUser")).body(body);
        cases.add(c);
        return c;
    }

    // --- POST /stats/{topic}: refused before any query (the Postgres sink's database is there) ---

    static final String STATS_PATH = "/stats/" + RUNS;

    /** A stats request by FooBarUser, who may write (and so read the stats of) the runs topic. */
    private HostileCase stats(String name, String body) {
        return stats(name, body.getBytes(StandardCharsets.UTF_8));
    }

    private HostileCase stats(String name, byte[] body) {
        HostileCase c = new HostileCase(name).request("POST", STATS_PATH).bearer(tokens.valid("FooBarUser")).body(body);
        cases.add(c);
        return c;
    }

    private void stats() {
        String notJson = "Request body must be valid JSON";
        // tokens and access
        HostileCase none = new HostileCase("stats: no token").request("POST", STATS_PATH).body("{}");
        cases.add(none.expect(401, "auth", MISSING));
        statsWithToken("stats: an expired token", tokens.expired("FooBarUser")).expect(401, "auth", EXPIRED);
        statsWithToken("stats: alg none", tokens.algNone("FooBarUser")).expect(401, "auth", ALGORITHM);
        statsWithToken("stats: a user who may not write the topic", valid()).expect(403, "auth", "User not authorized for topic");
        // size and nesting
        stats("stats: one byte over max_body_bytes", padStats(maxBodyBytes + 1)).expect(413, "validation", "limit");
        stats("stats: a field nested 5000 arrays deep", "{\"limit\": " + "[".repeat(5000) + "]".repeat(5000) + "}")
                .expect(400, "validation", notJson);
        stats("stats: a field nested 5000 objects deep", "{\"cursor\": " + "{\"a\": ".repeat(5000) + "1" + "}".repeat(5001))
                .expect(400, "validation", notJson);
        // encodings
        stats("stats: Latin-1, not UTF-8", "{\"limit\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1))
                .expect(400, "validation", "Request body is not valid UTF-8.");
        stats("stats: an overlong '1' (C0 B1)", withBytes("{\"limit\": @}", 0xC0, 0xB1))
                .expect(400, "validation", "Request body is not valid UTF-8.");
        stats("stats: UTF-16 with its byte-order mark", concat(new byte[] {(byte) 0xFE, (byte) 0xFF},
                "{\"limit\": 5}".getBytes(StandardCharsets.UTF_16BE))).expect(400, "validation", "Request body is not valid UTF-8.");
        stats("stats: a leading UTF-8 byte-order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "{\"limit\": 5}".getBytes(StandardCharsets.UTF_8))).expect(400, "validation", notJson);
        // keys
        stats("stats: a key twice", "{\"cursor\": 1, \"cursor\": 2}").expect(400, "validation", "Field 'cursor' appears more than once.");
        stats("stats: a key twice, once spelled with an escape", "{\"limit\": 5, \"lim\\u0069t\": 1000}")
                .expect(400, "validation", "Field 'limit' appears more than once.");
        stats("stats: a key of 60000 characters twice", "{\"" + "k".repeat(60_000) + "\": 1, \"" + "k".repeat(60_000) + "\": 2}")
                .expect(400, "validation", notJson);
        // numbers beyond 64 bits that are not integers the contract takes
        stats("stats: a limit below -2^64", "{\"limit\": -99999999999999999999999}")
                .expect(400, "validation", "Field 'limit' must be a positive integer.");
        stats("stats: 1e400 for a timestamp", "{\"timestamp_start\": 1e400}")
                .expect(400, "validation", "Field 'timestamp_start' must be an integer (epoch ms).");
        stats("stats: -1e400 for the cursor", "{\"cursor\": -1e400}")
                .expect(400, "validation", "Field 'cursor' must be an integer (internal_id).");
        stats("stats: a cursor of 2000 digits", "{\"cursor\": " + "9".repeat(2000) + "}").expect(400, "validation", notJson);
        // types
        stats("stats: a JSON array", "[{\"limit\": 5}]").expect(400, "validation", NOT_OBJECT);
        stats("stats: a JSON string", "\"{}\"").expect(400, "validation", NOT_OBJECT);
        stats("stats: plain text", "limit=5").expect(400, "validation", notJson);
        stats("stats: two objects", "{} {}").expect(400, "validation", notJson);
        stats("stats: a limit as a string", "{\"limit\": \"50\"}").expect(400, "validation", "Field 'limit' must be a positive integer.");
        stats("stats: a timestamp as an array", "{\"timestamp_end\": [1]}")
                .expect(400, "validation", "Field 'timestamp_end' must be an integer (epoch ms).");
        stats("stats: a cursor as an object", "{\"cursor\": {\"$gt\": 0}}")
                .expect(400, "validation", "Field 'cursor' must be an integer (internal_id).");
        stats("stats: a cursor that is SQL", "{\"cursor\": \"0; DROP TABLE public_cps_za_runs\"}")
                .expect(400, "validation", "Field 'cursor' must be an integer (internal_id).");
        stats("stats: a boolean limit", "{\"limit\": true}").expect(400, "validation", "Field 'limit' must be a positive integer.");
        // paths
        stats("stats: /stats/..%2F", "{}").request("POST", "/stats/..%2F").expect(404, "topic", "not found");
        stats("stats: encoded dot-dot segments to another topic", "{}").request("POST", "/stats/..%2Ftopics%2F" + TEST)
                .expect(404, "topic", "not found");
        stats("stats: an encoded slash after the topic", "{}").request("POST", STATS_PATH + "%2F..")
                .expect(404, "topic", "not found");
        stats("stats: an encoded NUL after the topic", "{}").request("POST", STATS_PATH + "%00").expect(404, "topic", "not found");
        stats("stats: /stats/%zz", "{}").request("POST", "/stats/%zz")
                .expect(400, "validation", "Request path is not valid URL encoding");
        stats("stats: /stats/ without a topic", "{}").request("POST", "/stats/").expect(404, "route", "Resource not found");
        stats("stats: /stats without a topic", "{}").request("POST", "/stats").expect(404, "route", "Resource not found");
        stats("stats: a segment after the topic", "{}").request("POST", STATS_PATH + "/extra").expect(404, "route", "Resource not found");
        stats("stats: a dot-dot segment after the topic", "{}").request("POST", STATS_PATH + "/../" + RUNS)
                .expect(404, "route", "Resource not found");
        stats("stats: another known topic", "{}").request("POST", "/stats/" + TEST)
                .expect(400, "validation", "Stats are only supported for topics 'public.cps.za.runs'.");
        // methods
        for (String method : List.of("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW")) {
            stats("stats: method " + method, "{}").request(method, STATS_PATH).expect(404, "route", "Resource not found");
        }
    }

    private HostileCase statsWithToken(String name, String token) {
        HostileCase c = new HostileCase(name).request("POST", STATS_PATH).bearer(token).body("{}");
        cases.add(c);
        return c;
    }

    /** A stats body of exactly {@code length} bytes: valid fields, padded with an ignored one. */
    private static String padStats(int length) {
        String start = "{\"limit\": 5, \"pad\": \"";
        return start + "x".repeat(length - start.length() - 2) + "\"}";
    }

    // --- the HTTP layer: what the server refuses before or around the gateway (HTTP only) ---

    private HostileCase raw(String name, String request) {
        String marker = Events.id();
        String event = Events.test(marker);
        String text = request.replace("$EVENT", event)
                .replace("$LENGTH", String.valueOf(event.length()))
                .replace("$HEXLENGTH", Integer.toHexString(event.length()));
        if (text.contains("$SMUGGLED_LENGTH")) {
            // the length of all that follows the head: the empty chunked body and the request behind it
            text = text.replace("$SMUGGLED_LENGTH", String.valueOf(text.length() - text.indexOf("\r\n\r\n") - 4));
        }
        HostileCase c = new HostileCase(name).raw(text);
        c.marker = marker; // the event's id, not something id-shaped in a token before it
        cases.add(c);
        return c;
    }

    private void httpLayer() {
        String token = valid();
        String head = "POST " + TOPIC_PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\n";
        raw("http: a 100 KB header", head + "X-Big: " + "a".repeat(100_000) + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(431, "validation", "Request headers are larger than the limit of 16384 bytes")
                .closesConnection();
        raw("http: a request line over its limit", "POST /topics/" + "t".repeat(9000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(414, "validation", "Request line is longer than the limit of 8192 bytes")
                .closesConnection();
        raw("http: a request line that is not one", "HELLO THERE\r\n\r\n").httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: an unknown HTTP version", "POST " + TOPIC_PATH + " HTTP/7.0\r\nHost: localhost\r\nAuthorization: Bearer "
                + token + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT").httpOnly(505, "validation", "HTTP version not supported")
                .closesConnection();
        raw("http: a space in the request target", "POST /topics/public cps HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: a header line without a colon", head + "this is no header\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: white space before a header's colon", "POST " + TOPIC_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization : Bearer " + token + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: a NUL byte in a header", head + "X-Note: a\u0000b\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: a NUL byte in a header name", head + "X-No\u0000te: ab\r\nContent-Length: $LENGTH\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: Content-Length not a number", head + "Content-Length: many\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: two different Content-Lengths", head + "Content-Length: $LENGTH\r\nContent-Length: 5\r\n\r\n$EVENT")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: Content-Length and Transfer-Encoding both", head
                + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n$HEXLENGTH\r\n$EVENT\r\n0\r\n\r\n")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        // A proxy that goes by Content-Length passes on one request; a server that goes by the chunks
        // would see an empty body, then a second request of the client's making.
        String smuggled = "POST " + TOPIC_PATH + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                + "\r\nContent-Length: $LENGTH\r\n\r\n$EVENT";
        raw("http: a request smuggled behind Content-Length and Transfer-Encoding", head
                + "Content-Length: $SMUGGLED_LENGTH\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled)
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: a request smuggled as the body of a transfer coding other than chunked",
                head + "Transfer-Encoding: gzip\r\n\r\n" + smuggled)
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: chunked after another transfer coding", head
                + "Transfer-Encoding: gzip, chunked\r\n\r\n$HEXLENGTH\r\n$EVENT\r\n0\r\n\r\n")
                .httpOnly(400, "validation", "Malformed HTTP request")
                .closesConnection();
        raw("http: a chunk size that is not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n$EVENT\r\n0\r\n\r\n")
                .httpOnly(400, "validation", "Request body cannot be read")
                .closesConnection();
        raw("http: Expect 100-continue without a token", "POST " + TOPIC_PATH + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Expect: 100-continue\r\nContent-Length: $LENGTH\r\n\r\n").httpOnly(401, "auth", MISSING);
        raw("http: Expect 100-continue to an unknown topic", "POST /topics/public.cps.za.nope HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + token + "\r\nExpect: 100-continue\r\nContent-Length: $LENGTH\r\n\r\n")
                .httpOnly(404, "topic", "not found");
        raw("http: Content-Length over max_body_bytes, no body sent", head + "Content-Length: " + (maxBodyBytes + 1) + "\r\n\r\n")
                .httpOnly(413, "validation", "larger than the limit");
        raw("http: a body shorter than its Content-Length", head + "Content-Length: 10000\r\n\r\n$EVENT")
                .httpOnly(408, "validation", "Request body not received within");
    }

    // --- helpers ---

    /** {@code json} in UTF-8 with these bytes in place of its first '@'. */
    static byte[] withBytes(String json, int... bytes) {
        int at = json.indexOf('@');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
        for (int b : bytes) {
            out.write(b);
        }
        out.writeBytes(json.substring(at + 1).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, int... bytes) {
        byte[] all = new byte[first.length + bytes.length];
        System.arraycopy(first, 0, all, 0, first.length);
        for (int i = 0; i < bytes.length; i++) {
            all[first.length + i] = (byte) bytes[i];
        }
        return all;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    /** The event with its note padded so that the whole body is {@code length} bytes of UTF-8. */
    static String padTo(String event, int length) {
        int padding = length - event.getBytes(StandardCharsets.UTF_8).length + "hello".length();
        return event.replace("\"hello\"", "\"" + "x".repeat(padding) + "\"");
    }
}
