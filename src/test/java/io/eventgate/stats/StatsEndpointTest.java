package io.eventgate.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /stats/{topic}} over real HTTP, against an embedded Postgres that EventGate migrates
 * itself, with the rows written by the real publish path ({@code POST /topics/public.cps.za.runs}
 * with a real RS256 token). Each test publishes runs in a time window of its own (in 2001, apart
 * from the default-window test, which alone has runs near now), so that the tests do not see each
 * other's rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatsEndpointTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUNS = "/stats/public.cps.za.runs";
    private static final long DAY = Duration.ofDays(1).toMillis();
    /** 2001-01-01T00:00:00Z: the tests' windows are days after it. */
    private static final long BASE = Instant.parse("2001-01-01T00:00:00Z").toEpochMilli();

    private static EmbeddedPostgres postgres;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        try {
            postgres = EmbeddedPostgres.builder().start();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        gateway = RunningGateway.start(onTheDatabase(Map.of("eventgate.postgres.migrate", "true")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Postgres as the only sink (no Kafka), on the embedded database, plus these settings. */
    private static Map<String, String> onTheDatabase(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.postgres.host", "localhost",
                "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.user", "postgres",
                "eventgate.postgres.connect_timeout_ms", "1000",
                "eventgate.postgres.properties.ApplicationName", "EventGate-stats-test"));
        all.putAll(settings);
        return all;
    }

    // --- what a page holds ---

    @Test
    @Order(1)
    void theDefaultWindowIsTheLastSevenDays() {
        long now = System.currentTimeMillis();
        String recent = publishRun(now - DAY, job("succeeded", null, now - DAY, now - DAY + 1000),
                job("failed", "boom", now - DAY, now - DAY + 2000));
        String old = publishRun(now - 8 * DAY, job("succeeded", null, now - 8 * DAY, now - 8 * DAY + 1000));
        publishRun(now + DAY, job("succeeded", null, now + DAY, now + DAY + 1000));

        for (HttpResponse<String> answer : List.of(stats(readerToken(), "{}"), statsWithoutBody(readerToken()),
                stats(readerToken(), "{\"timestamp_start\": null, \"timestamp_end\": null, \"cursor\": null}"))) {
            JsonNode body = ok(answer);
            assertEquals(List.of(recent, recent), eventIds(body), answer.body());
            assertEquals(json("{\"cursor\": null, \"has_more\": false, \"limit\": 50}"), body.get("pagination"));
        }
        // Only the start given: the end is now, so the run 8 days ago is in and the future one is not.
        JsonNode since = ok(stats(readerToken(), "{\"timestamp_start\": " + (now - 9 * DAY) + "}"));
        assertEquals(List.of(old, recent, recent), eventIds(since), "the newest job first: the old run was published last");
        // Only the end given: the start is 7 days before now.
        JsonNode until = ok(stats(readerToken(), "{\"timestamp_end\": " + (now + 2 * DAY) + "}"));
        assertEquals(3, until.get("data").size(), until.toString());
        assertFalse(eventIds(until).contains(old));
    }

    @Test
    @Order(2)
    void pagesGoNewestJobFirstToTheEndWhereHasMoreIsFalse() {
        long start = BASE + 10 * DAY;
        String first = publishRun(start, job("succeeded", null, start, start + 1), job("succeeded", null, start, start + 2),
                job("succeeded", null, start, start + 3));
        String second = publishRun(start + 1000, job("succeeded", null, start, start + 4), job("succeeded", null, start, start + 5));
        List<Long> expected = new ArrayList<>(internalIds(second));
        expected.addAll(internalIds(first));
        assertEquals(5, expected.size());
        assertTrue(expected.get(0) > expected.get(4));

        String window = "\"timestamp_start\": " + start + ", \"timestamp_end\": " + (start + DAY);
        List<Long> seen = new ArrayList<>();
        JsonNode page = ok(stats(readerToken(), "{" + window + ", \"limit\": 2}"));
        List<Boolean> hasMore = new ArrayList<>();
        while (true) {
            page.get("data").forEach(row -> seen.add(row.get("internal_id").asLong()));
            JsonNode pagination = page.get("pagination");
            assertEquals(2, pagination.get("limit").asInt());
            hasMore.add(pagination.get("has_more").asBoolean());
            if (!pagination.get("has_more").asBoolean()) {
                assertTrue(pagination.get("cursor").isNull(), page.toString());
                break;
            }
            assertEquals(seen.get(seen.size() - 1), pagination.get("cursor").asLong(), "the cursor is the page's last internal_id");
            page = ok(stats(readerToken(), "{" + window + ", \"limit\": 2, \"cursor\": " + pagination.get("cursor") + "}"));
        }
        assertEquals(expected, seen, "every job once, newest first");
        assertEquals(List.of(true, true, false), hasMore);

        // A page that holds exactly the rest has no next page.
        JsonNode exact = ok(stats(readerToken(), "{" + window + ", \"limit\": 5}"));
        assertEquals(5, exact.get("data").size());
        assertEquals(json("{\"cursor\": null, \"has_more\": false, \"limit\": 5}"), exact.get("pagination"));
        // Rows of a run outside the window are not counted, whatever their jobs' times.
        assertEquals(0, ok(stats(readerToken(), "{\"timestamp_start\": " + (start + 1001) + ", \"timestamp_end\": "
                + (start + DAY) + "}")).get("data").size());
    }

    @Test
    @Order(3)
    void eachRowHasItsColumnsAndTheComputedFields() throws Exception {
        // The run starts a millisecond before midnight; run_date is the run's day, start_time the job's.
        long runStart = Instant.parse("2001-02-03T23:59:59.999Z").toEpochMilli();
        long jobStart = Instant.parse("2001-02-04T00:00:00.500Z").toEpochMilli();
        long jobEnd = jobStart + 90_061_001; // 1 day, 1 h, 1 min, 1 s and 1 ms later
        String eventId = Events.id();
        String event = """
                {"event_id": "%s", "job_ref": "spark-42", "tenant_id": "DlAk", "source_app": "spark",
                 "source_app_version": "2.0.0", "environment": "prod", "timestamp_start": %d, "timestamp_end": %d,
                 "jobs": [
                   {"country": "za", "catalog_id": "db.one", "status": "failed", "message": "No Data found for today",
                    "timestamp_start": %d, "timestamp_end": %d, "additional_info": {"rows": 1, "nested": {"a": [true]}}},
                   {"catalog_id": "db.two", "status": "failed", "message": "nothing: No records to send",
                    "timestamp_start": -1500, "timestamp_end": 0},
                   {"catalog_id": "db.three", "status": "failed", "message": "boom", "timestamp_start": 1, "timestamp_end": 2},
                   {"catalog_id": "db.four", "status": "failed", "timestamp_start": 1, "timestamp_end": 2},
                   {"catalog_id": "db.five", "status": "succeeded", "message": "no data", "timestamp_start": 1, "timestamp_end": 2},
                   {"catalog_id": "db.six", "status": "killed", "message": "no records to send", "timestamp_start": 1, "timestamp_end": 2}
                 ]}""".formatted(eventId, runStart, runStart + 5, jobStart, jobEnd);
        assertEquals(202, gateway.post("/topics/public.cps.za.runs", writerToken(), event).statusCode());
        List<Long> ids = internalIds(eventId);

        JsonNode body = ok(stats(readerToken(), "{\"timestamp_start\": " + runStart + ", \"timestamp_end\": " + runStart + "}"));
        ArrayNode data = (ArrayNode) body.get("data");
        assertEquals(6, data.size(), body.toString());
        Map<String, JsonNode> byCatalog = new LinkedHashMap<>();
        data.forEach(row -> byCatalog.put(row.get("catalog_id").asText(), row));

        ObjectNode first = (ObjectNode) json("""
                {"event_id": "%s", "job_ref": "spark-42", "tenant_id": "DlAk", "source_app": "spark",
                 "source_app_version": "2.0.0", "environment": "prod",
                 "run_timestamp_start": %d, "run_timestamp_end": %d,
                 "internal_id": %d, "country": "za", "catalog_id": "db.one", "status": "failed",
                 "timestamp_start": %d, "timestamp_end": %d, "message": "No Data found for today",
                 "additional_info": {"rows": 1, "nested": {"a": [true]}},
                 "run_date": "03-02-2001", "run_status": "no data received", "formatted_tenant": "dlak",
                 "elapsed_time": 90061001, "start_time": "2001-02-04 00:00:00", "end_time": "2001-02-05 01:01:01"}"""
                .formatted(eventId, runStart, runStart + 5, ids.get(5), jobStart, jobEnd));
        assertEquals(first, byCatalog.get("db.one"));
        assertEquals(names(first), names(byCatalog.get("db.one")),
                "the columns in the query's order, then the computed fields");

        JsonNode two = byCatalog.get("db.two");
        assertEquals("no data produced", two.get("run_status").asText());
        assertEquals("", two.get("country").asText(), "an absent country is stored as ''");
        assertTrue(two.get("message").isTextual());
        assertTrue(two.get("additional_info").isNull(), two.toString());
        assertEquals(1500, two.get("elapsed_time").asLong());
        assertEquals("1969-12-31 23:59:58", two.get("start_time").asText(), "before 1970, the second it falls in");
        assertEquals("1970-01-01 00:00:00", two.get("end_time").asText());
        assertEquals("failed", byCatalog.get("db.three").get("run_status").asText());
        assertEquals("failed", byCatalog.get("db.four").get("run_status").asText(), "a failed job without message");
        assertTrue(byCatalog.get("db.four").get("message").isNull());
        assertEquals("succeeded", byCatalog.get("db.five").get("run_status").asText());
        assertEquals("succeeded", byCatalog.get("db.six").get("run_status").asText(), "only a failed job is not a success");
        for (JsonNode row : data) {
            assertEquals("03-02-2001", row.get("run_date").asText());
            assertEquals("dlak", row.get("formatted_tenant").asText());
        }
    }

    @Test
    @Order(3)
    void whatUpstreamAcceptsIsAccepted() {
        long start = BASE + 20 * DAY;
        String eventId = publishRun(start, job("succeeded", null, start, start + 1));
        String window = "\"timestamp_start\": " + start + ", \"timestamp_end\": " + start;
        // A limit over 1000 is capped; integers beyond 64 bits are as far as 64 bits go; other fields are ignored.
        JsonNode capped = ok(stats(readerToken(), "{" + window + ", \"limit\": 5000, \"other\": [1]}"));
        assertEquals(List.of(eventId), eventIds(capped));
        assertEquals(1000, capped.get("pagination").get("limit").asInt());
        JsonNode huge = ok(stats(readerToken(), "{\"timestamp_start\": -99999999999999999999999, \"timestamp_end\": "
                + start + ", \"cursor\": 99999999999999999999999, \"limit\": 99999999999999999999}"));
        assertTrue(eventIds(huge).contains(eventId), huge.toString());
        assertEquals(1000, huge.get("pagination").get("limit").asInt());
        assertEquals(0, ok(stats(readerToken(), "{" + window + ", \"cursor\": -99999999999999999999999}")).get("data").size());
        // An upper-case topic is the same topic; the Content-Type does not matter.
        assertEquals(List.of(eventId), eventIds(ok(gateway.post(RUNS.toUpperCase(java.util.Locale.ROOT).replace("/STATS/", "/stats/"),
                readerToken(), "{" + window + "}", "text/plain"))));
    }

    // --- refusals ---

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("[]", "Request body must be a JSON object."),
                Arguments.of("null", "Request body must be a JSON object."),
                Arguments.of("42", "Request body must be a JSON object."),
                Arguments.of("not json", "Request body must be valid JSON (line 1, column 4)."),
                Arguments.of("{\"limit\": 5", "Request body must be valid JSON"),
                Arguments.of("{} {}", "Request body must be valid JSON"),
                Arguments.of("  ", "Request body must be valid JSON."),
                Arguments.of("{\"limit\": 5, \"limit\": 6}", "Field 'limit' appears more than once."),
                Arguments.of("{\"timestamp_start\": true}", "Field 'timestamp_start' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_start\": 1.5}", "Field 'timestamp_start' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_start\": 1.0}", "Field 'timestamp_start' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_start\": 1e12}", "Field 'timestamp_start' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_start\": \"1700000000000\"}", "Field 'timestamp_start' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_end\": false}", "Field 'timestamp_end' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_end\": {}}", "Field 'timestamp_end' must be an integer (epoch ms)."),
                Arguments.of("{\"timestamp_end\": [1]}", "Field 'timestamp_end' must be an integer (epoch ms)."),
                Arguments.of("{\"cursor\": true}", "Field 'cursor' must be an integer (internal_id)."),
                Arguments.of("{\"cursor\": \"5\"}", "Field 'cursor' must be an integer (internal_id)."),
                Arguments.of("{\"cursor\": 2.5}", "Field 'cursor' must be an integer (internal_id)."),
                Arguments.of("{\"limit\": 0}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": -1}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": -99999999999999999999}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": true}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": 1.5}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": 10.0}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": \"50\"}", "Field 'limit' must be a positive integer."),
                Arguments.of("{\"limit\": null}", "Field 'limit' must be a positive integer."));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badBodies")
    @Order(4)
    void aBadBodyIs400NamingTheField(String body, String message) {
        HttpResponse<String> answer = stats(readerToken(), body);
        assertError(answer, 400, "validation", message);
        assertTrue(json(answer.body()).get("errors").get(0).get("message").asText().startsWith(message), answer.body());
    }

    @Test
    @Order(4)
    void aBodyThatIsNotUtf8Is400() {
        byte[] body = "{\"limit\": \"\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(gateway.post(RUNS, readerToken(), body), 400, "validation", "Request body is not valid UTF-8.");
    }

    @Test
    @Order(4)
    void anotherKnownTopicIs400AndAnUnknownOneIs404() {
        assertError(stats("/stats/public.cps.za.test", gateway.token("TestUser"), "{}"), 400, "validation",
                "Stats are only supported for topics 'public.cps.za.runs'.");
        assertError(stats("/stats/public.cps.za.nope", readerToken(), "{}"), 404, "topic", "Topic 'public.cps.za.nope' not found");
        assertError(gateway.get(RUNS), 404, "route", "Resource not found");
        assertError(stats("/stats", readerToken(), "{}"), 404, "route", "Resource not found");
        assertError(stats("/stats/public.cps.za.runs/more", readerToken(), "{}"), 404, "route", "Resource not found");
    }

    @Test
    @Order(4)
    void withoutAValidTokenIt401s() {
        assertError(stats(null, "{}"), 401, "auth", "Token is missing");
        assertError(stats("not.a.token", "{}"), 401, "auth", "Token is malformed");
        assertError(stats(gateway.tokens().token("FooBarUser", Duration.ofMinutes(-5)), "{}"), 401, "auth", "Token has expired");
        // as for a publish, the token comes first: an unknown topic tells nothing without one
        assertError(stats("/stats/public.cps.za.nope", null, "{}"), 401, "auth", "Token is missing");
    }

    @Test
    @Order(4)
    void aSubjectThatMayNotWriteTheTopicIs403() {
        assertError(stats(gateway.token("TestUser"), "{}"), 403, "auth", "User not authorized for topic");
        assertError(stats(gateway.token("foouser"), "{}"), 403, "auth", "User not authorized for topic");
        // a writer with field constraints may read
        ok(stats(gateway.token("RestrictedTestUser"), "{}"));
    }

    // --- settings ---

    @Test
    @Order(5)
    void statsRequireTokenFalseOpensTheEndpointAsUpstream() {
        long start = BASE + 30 * DAY;
        String eventId = publishRun(start, job("failed", "no data", start, start + 1));
        try (RunningGateway open = RunningGateway.start(onTheDatabase(Map.of("eventgate.stats_require_token", "false")))) {
            String body = "{\"timestamp_start\": " + start + ", \"timestamp_end\": " + start + "}";
            HttpResponse<String> anonymous = open.send(HttpRequest.newBuilder(open.uri(RUNS))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            assertEquals(List.of(eventId), eventIds(ok(anonymous)));
            assertEquals(List.of(eventId), eventIds(ok(open.post(RUNS, "not.a.token", body))), "a token is not looked at");
            assertEquals(List.of(eventId), eventIds(ok(open.post(RUNS, open.token("TestUser"), body))));
            assertError(open.post("/stats/public.cps.za.nope", null, body), 404, "topic", "not found");
            assertError(open.post("/stats/public.cps.za.test", null, body), 400, "validation", "only supported");
            assertError(open.post(RUNS, null, "{\"limit\": true}"), 400, "validation", "'limit'");
            // publishing still needs a token
            assertError(open.post("/topics/public.cps.za.runs", null, "{}"), 401, "auth", "Token is missing");
        }
    }

    @Test
    @Order(5)
    void aQueryBeyondTheBulkheadFailsAtOnceAndNoneHoldsTheEventLoop() throws Exception {
        try (RunningGateway bounded = RunningGateway.start(onTheDatabase(Map.of(
                "eventgate.stats.threads", "1", "eventgate.stats.queue_size", "0",
                "eventgate.stats.query_timeout_seconds", "30",
                "eventgate.http.event_loops", "1")));
             Connection locker = postgres.getPostgresDatabase().getConnection()) {
            String token = bounded.token("FooBarUser");
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE public_cps_za_runs_jobs IN ACCESS EXCLUSIVE MODE");
            CompletableFuture<HttpResponse<String>> waiting;
            try {
                waiting = CompletableFuture.supplyAsync(() -> bounded.post(RUNS, token, "{}"));
                awaitQueryWaitingForTheLock();
                // the only thread is taken: the next query is refused at once
                assertError(bounded.post(RUNS, token, "{}"), 500, "database", "too many stats queries at once");
                // and the one event loop still serves
                assertEquals(200, bounded.get("/topics").statusCode());
                assertFalse(waiting.isDone());
            } finally {
                locker.rollback();
            }
            assertEquals(200, waiting.get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    @Order(5)
    void aQueryPastItsTimeoutIs500() throws Exception {
        try (RunningGateway impatient = RunningGateway.start(onTheDatabase(Map.of("eventgate.stats.query_timeout_seconds", "1")));
             Connection locker = postgres.getPostgresDatabase().getConnection()) {
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE public_cps_za_runs_jobs IN ACCESS EXCLUSIVE MODE");
            try {
                assertError(impatient.post(RUNS, impatient.token("FooBarUser"), "{}"), 500, "database",
                        "Stats query failed: the database did not answer in time.");
            } finally {
                locker.rollback();
            }
        }
    }

    // --- the database fails ---

    @Test
    @Order(6)
    void aDatabaseThatCannotBeReachedIs500WithoutHostOrSql() {
        int closedPort = RunningGateway.freePort();
        Map<String, String> settings = onTheDatabase(Map.of());
        settings.put("eventgate.postgres.port", String.valueOf(closedPort));
        try (RunningGateway unreachable = RunningGateway.start(settings)) {
            HttpResponse<String> answer = unreachable.post(RUNS, unreachable.token("FooBarUser"), "{}");
            assertError(answer, 500, "database", "Stats query failed: cannot connect to the database.");
            assertNothingInternal(answer, closedPort);
        }
        Map<String, String> none = new HashMap<>(Map.of("eventgate.kafka_bootstrap_server", ""));
        try (RunningGateway unconfigured = RunningGateway.start(none)) {
            assertError(unconfigured.post(RUNS, unconfigured.token("FooBarUser"), "{}"), 500, "database",
                    "Stats query failed: Postgres is not configured");
        }
    }

    @Test
    @Order(7)
    void aDatabaseThatGoesDownIs500AndTheGatewayStillAnswers() throws Exception {
        ok(stats(readerToken(), "{}"));
        postgres.close();
        HttpResponse<String> answer = stats(readerToken(), "{}");
        assertError(answer, 500, "database", "Stats query failed: ");
        // A pooled connection may still be open as the server shuts down (57P01), or already gone.
        String message = json(answer.body()).get("errors").get(0).get("message").asText();
        assertTrue(message.contains("cannot connect to the database")
                || message.contains("the database is unavailable"), message);
        assertNothingInternal(answer, postgres.getPort());
        assertEquals(200, gateway.get("/topics").statusCode());
        postgres = null;
    }

    // --- helpers ---

    private static void assertNothingInternal(HttpResponse<String> answer, int port) {
        String message = json(answer.body()).get("errors").get(0).get("message").asText();
        for (String secret : List.of("localhost", "127.0.0.1", String.valueOf(port), "SELECT", "public_cps", "jdbc", "Exception")) {
            assertFalse(message.contains(secret), message);
        }
    }

    private static void awaitQueryWaitingForTheLock() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                 ResultSet waiting = c.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity"
                         + " WHERE application_name = 'EventGate-stats-test' AND wait_event_type = 'Lock'")) {
                waiting.next();
                if (waiting.getLong(1) > 0) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no stats query waited for the lock");
    }

    private static String readerToken() {
        return gateway.token("FooBarUser");
    }

    private static String writerToken() {
        return gateway.token("IntegrationTestUser");
    }

    private static HttpResponse<String> stats(String token, String body) {
        return stats(RUNS, token, body);
    }

    private static HttpResponse<String> stats(String path, String token, String body) {
        return gateway.post(path, token, body);
    }

    private static HttpResponse<String> statsWithoutBody(String token) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri(RUNS))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private static JsonNode ok(HttpResponse<String> answer) {
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = json(answer.body());
        assertTrue(body.get("success").asBoolean(), answer.body());
        assertEquals(200, body.get("statusCode").asInt());
        assertEquals(List.of("success", "statusCode", "data", "pagination"), names(body));
        return body;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> eventIds(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.get("data").forEach(row -> ids.add(row.get("event_id").asText()));
        return ids;
    }

    private static String job(String status, String message, long start, long end) {
        return """
                {"catalog_id": "db.t", "status": "%s", "message": %s, "timestamp_start": %d, "timestamp_end": %d}"""
                .formatted(status, message == null ? "null" : "\"" + message + "\"", start, end);
    }

    /** Publishes a run with these jobs through POST /topics/public.cps.za.runs; its event_id. */
    private static String publishRun(long start, String... jobs) {
        String eventId = Events.id();
        String event = """
                {"event_id": "%s", "job_ref": "r-1", "tenant_id": "DLAK", "source_app": "spark",
                 "source_app_version": "1.0.0", "environment": "dev", "timestamp_start": %d, "timestamp_end": %d,
                 "jobs": [%s]}""".formatted(eventId, start, start + 1000, String.join(", ", jobs));
        HttpResponse<String> answer = gateway.post("/topics/public.cps.za.runs", writerToken(), event);
        assertEquals(202, answer.statusCode(), answer.body());
        return eventId;
    }

    /** The internal_ids of an event's jobs, newest first, read from the table. */
    private static List<Long> internalIds(String eventId) {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT internal_id FROM public_cps_za_runs_jobs WHERE event_id = ? ORDER BY internal_id DESC")) {
            query.setString(1, eventId);
            List<Long> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
