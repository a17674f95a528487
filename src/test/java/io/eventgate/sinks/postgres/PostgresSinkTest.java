package io.eventgate.sinks.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.KafkaRecords;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Postgres sink against a real Postgres (embedded, migrated by EventGate itself with
 * {@code postgres.migrate=true}) and a real Kafka broker: the rows of every mapped topic, field by
 * field; values that look like SQL are stored as they are; an unmapped topic is acknowledged; and a
 * stopped database fails only the postgres sink, within its deadline.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SINK_TIMEOUT_MS = 5000;
    private static final String TEST = "public.cps.za.test";
    private static final String RUNS = "public.cps.za.runs";
    private static final String STATUS_CHANGE = "public.cps.za.status_change";
    /** Per topic: a user who may write it, a valid event with the id, and the query of its rows by that id. */
    private static final Map<String, String> WRITER = Map.of(TEST, "TestUser", RUNS, "FooBarUser", STATUS_CHANGE, "TestUser");
    private static final Map<String, Function<String, String>> VALID = Map.of(
            TEST, Events::test,
            RUNS, id -> Events.runs(id, "spark", "dev", "DLAK"),
            STATUS_CHANGE, id -> Events.statusChange(Events.id(), id, "RUNNING"));
    private static final Map<String, String> ROW_BY_ID = Map.of(
            TEST, "SELECT * FROM public_cps_za_test WHERE event_id = ?",
            RUNS, "SELECT * FROM public_cps_za_runs WHERE event_id = ?",
            STATUS_CHANGE, "SELECT * FROM public_cps_za_status_change_aggregated_job WHERE job_id = ?::uuid");

    private static EmbeddedPostgres postgres;
    private static EmbeddedKafka kafka;
    private static RunningGateway gateway;
    private static Path conf;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        kafka = EmbeddedKafka.start();
        conf = confWithUnmappedTopic();
        gateway = RunningGateway.start(onTheDatabase(Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.postgres.migrate", "true",
                "eventgate.postgres.connect_timeout_ms", "1000",
                "eventgate.postgres.properties.ApplicationName", "EventGate-test")));
    }

    /** These settings, and the embedded database as the Postgres sink's, with the sink deadline SINK_TIMEOUT_MS. */
    private static Map<String, String> onTheDatabase(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of(
                "eventgate.postgres.host", "localhost",
                "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.user", "postgres",
                "eventgate.sink_timeout_ms", String.valueOf(SINK_TIMEOUT_MS)));
        all.putAll(settings);
        return all;
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** The example conf/ plus a topic that has no Postgres table, writable by TestUser. */
    private static Path confWithUnmappedTopic() throws IOException {
        Path dir = ExampleConf.copy();
        Files.writeString(dir.resolve("topic_schemas/unmapped.json"),
                "{\"type\": \"object\", \"properties\": {\"event_id\": {\"type\": \"string\"}}, \"required\": [\"event_id\"]}");
        ExampleConf.editAccess(dir, access -> access.putArray("public.cps.za.unmapped").add("TestUser"));
        return dir;
    }

    @Test
    @Order(1)
    void dlchangeWritesOneRow() throws Exception {
        String id = Events.id();
        assertAccepted(gateway.post("/topics/public.cps.za.dlchange", gateway.token("FooUser"), Events.dlchange(id)));

        Map<String, Object> row = single("SELECT * FROM public_cps_za_dlchange WHERE event_id = ?", id);
        assertEquals(id, row.get("event_id"));
        assertEquals("DLAK", row.get("tenant_id"));
        assertEquals("aqueduct", row.get("source_app"));
        assertEquals("1.2.3", row.get("source_app_version"));
        assertEquals("dev", row.get("environment"));
        assertEquals(1732000000000L, row.get("timestamp_event"));
        assertEquals("za", row.get("country"));
        assertEquals("db.table", row.get("catalog_id"));
        assertEquals("overwrite", row.get("operation"));
        assertEquals("s3://bucket/path", row.get("location"));
        assertEquals("parquet", row.get("format"));
        assertEquals(JSON.readTree("{\"compression\": \"snappy\"}"), json(row.get("format_options")));
        assertEquals(JSON.readTree("{\"rows\": 10}"), json(row.get("additional_info")));
        assertEquals(13, row.size());
    }

    @Test
    @Order(2)
    void testTopicTakesTimestampAndStoresSqlLookalikesVerbatim() throws Exception {
        String id = Events.id();
        String nasty = "x'); DROP TABLE public_cps_za_test; --";
        String event = """
                {"event_id": "%s", "tenant_id": %s, "source_app": "O'Brien \\"quoted\\" $1 :#x ?",
                 "environment": "dev", "timestamp": 1732000000123,
                 "additional_info": {"sql": %s, "nested": [1, {"a": null}]}}"""
                .formatted(id, JSON.writeValueAsString(nasty), JSON.writeValueAsString(nasty));
        assertAccepted(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), event));

        Map<String, Object> row = single("SELECT * FROM public_cps_za_test WHERE event_id = ?", id);
        assertEquals(nasty, row.get("tenant_id"));
        assertEquals("O'Brien \"quoted\" $1 :#x ?", row.get("source_app"));
        assertEquals("dev", row.get("environment"));
        assertEquals(1732000000123L, row.get("timestamp_event"));
        assertEquals(JSON.readTree("{\"sql\": " + JSON.writeValueAsString(nasty) + ", \"nested\": [1, {\"a\": null}]}"),
                json(row.get("additional_info")));
        assertEquals(6, row.size());
        assertEquals(1L, single("SELECT count(*) AS n FROM pg_tables WHERE tablename = 'public_cps_za_test'").get("n"));
    }

    @Test
    @Order(3)
    void runsWritesTheRunAndOneRowPerJob() throws Exception {
        String id = Events.id();
        assertAccepted(gateway.post("/topics/public.cps.za.runs", gateway.token("FooBarUser"),
                Events.runs(id, "spark", "prod", "DLAK")));

        Map<String, Object> run = single("SELECT * FROM public_cps_za_runs WHERE event_id = ?", id);
        assertEquals(Map.of("event_id", id, "job_ref", "spark-123", "tenant_id", "DLAK", "source_app", "spark",
                "source_app_version", "2.0.0", "environment", "prod",
                "timestamp_start", 1732000000000L, "timestamp_end", 1732000100000L), run);

        List<Map<String, Object>> jobs = rows(
                "SELECT * FROM public_cps_za_runs_jobs WHERE event_id = ? ORDER BY internal_id", id);
        assertEquals(2, jobs.size());
        Map<String, Object> first = jobs.get(0);
        assertEquals("za", first.get("country"));
        assertEquals("db.a", first.get("catalog_id"));
        assertEquals("succeeded", first.get("status"));
        assertEquals(1732000000000L, first.get("timestamp_start"));
        assertEquals(1732000050000L, first.get("timestamp_end"));
        assertNull(first.get("message"));
        assertEquals(JSON.readTree("{\"rows\": 1}"), json(first.get("additional_info")));
        Map<String, Object> second = jobs.get(1);
        assertEquals("", second.get("country"), "an absent country is stored as '' (as the original EventGate does)");
        assertEquals("db.b", second.get("catalog_id"));
        assertEquals("failed", second.get("status"));
        assertEquals(1732000050000L, second.get("timestamp_start"));
        assertEquals(1732000100000L, second.get("timestamp_end"));
        assertEquals("boom", second.get("message"));
        assertNull(second.get("additional_info"));
        assertEquals(id, second.get("event_id"));
    }

    @Test
    @Order(3)
    void runRowAndJobRowsCommitTogether() throws Exception {
        String token = gateway.token("FooBarUser");
        String empty = Events.id();
        assertAccepted(gateway.post("/topics/public.cps.za.runs", token, runWithJobs(empty, "[]")));
        assertEquals(1, rows("SELECT * FROM public_cps_za_runs WHERE event_id = ?", empty).size());
        assertEquals(0, rows("SELECT * FROM public_cps_za_runs_jobs WHERE event_id = ?", empty).size());

        // The database refuses the second job (a constraint of this test's, which the gateway's checks
        // know nothing of): nothing of the run is kept.
        String broken = Events.id();
        String jobs = """
                [{"catalog_id": "db.ok", "status": "succeeded", "timestamp_start": 1, "timestamp_end": 2},
                 {"catalog_id": "db.refused", "status": "failed", "timestamp_start": 2, "timestamp_end": 3}]""";
        execute("ALTER TABLE public_cps_za_runs_jobs ADD CONSTRAINT refused_by_test CHECK (catalog_id <> 'db.refused')");
        try {
            HttpResponse<String> answer = gateway.post("/topics/public.cps.za.runs", token, runWithJobs(broken, jobs));
            assertEquals(500, answer.statusCode(), answer.body());
            JsonNode errors = JSON.readTree(answer.body()).path("errors");
            assertEquals(1, errors.size(), answer.body());
            assertEquals("postgres", errors.get(0).path("type").asText(), answer.body());
        } finally {
            execute("ALTER TABLE public_cps_za_runs_jobs DROP CONSTRAINT refused_by_test");
        }
        assertEquals(0, rows("SELECT * FROM public_cps_za_runs WHERE event_id = ?", broken).size());
        assertEquals(0, rows("SELECT * FROM public_cps_za_runs_jobs WHERE event_id = ?", broken).size());
    }

    @Test
    @Order(3)
    void aRetryOfAStoredEventAddsNoRow() throws Exception {
        String test = Events.id();
        String dlchange = Events.id();
        String run = Events.id();
        for (int attempt = 0; attempt < 2; attempt++) {
            assertAccepted(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), Events.test(test)));
            assertAccepted(gateway.post("/topics/public.cps.za.dlchange", gateway.token("FooUser"), Events.dlchange(dlchange)));
            assertAccepted(gateway.post("/topics/public.cps.za.runs", gateway.token("FooBarUser"),
                    Events.runs(run, "spark", "prod", "DLAK")));
        }

        assertEquals(1, rows("SELECT * FROM public_cps_za_test WHERE event_id = ?", test).size());
        assertEquals(1, rows("SELECT * FROM public_cps_za_dlchange WHERE event_id = ?", dlchange).size());
        assertEquals(1, rows("SELECT * FROM public_cps_za_runs WHERE event_id = ?", run).size());
        assertEquals(2, rows("SELECT * FROM public_cps_za_runs_jobs WHERE event_id = ?", run).size(),
                "the retry adds no job rows either");
    }

    private static String runWithJobs(String eventId, String jobs) {
        return """
                {"event_id": "%s", "job_ref": "r", "tenant_id": "DLAK", "source_app": "spark",
                 "source_app_version": "1", "environment": "dev", "timestamp_start": 1, "timestamp_end": 3,
                 "jobs": %s}""".formatted(eventId, jobs);
    }

    @Test
    @Order(4)
    void statusChangeMergesTheLatestStatePerJob() throws Exception {
        String jobId = Events.id();
        String token = gateway.token("TestUser");
        assertAccepted(gateway.post("/topics/public.cps.za.status_change", token, """
                {"event_type": "JobStartedEvent", "event_id": "%s", "job_id": "%s", "status_type": "RUNNING",
                 "status_detail": "warming up", "source_app": "orchestrator", "job_name": "nightly load",
                 "tenant_id": "T1", "timestamp_event": 1732000001000, "attempt_number": 2,
                 "platform": "aws.emr", "platform_metadata": {"cluster_id": "j-1"},
                 "additional_context": {"a": 1, "b": 1}}""".formatted(Events.id(), jobId)));
        Map<String, Object> started = single(
                "SELECT * FROM public_cps_za_status_change_aggregated_job WHERE job_id = ?::uuid", jobId);
        assertEquals("RUNNING", started.get("status_type"));
        assertEquals("warming up", started.get("status_detail"));
        assertEquals(instant(1732000001000L), started.get("started_at"));
        assertNull(started.get("created_at"));

        // Newer: finishes the job. Absent and null fields keep what is there; the status details follow the status.
        String finished = """
                {"event_type": "JobFinishedEvent", "event_id": "%s", "job_id": "%s", "status_type": "FAILED",
                 "status_subtype": "OOM", "timestamp_event": 1732000002000, "attempt_number": 1, "platform": null,
                 "input_arguments": {"x": 1}, "additional_context": {"b": 2, "c": 3}}""".formatted(Events.id(), jobId);
        assertAccepted(gateway.post("/topics/public.cps.za.status_change", token, finished));
        // Older, arriving late: fills only what is still empty.
        assertAccepted(gateway.post("/topics/public.cps.za.status_change", token, """
                {"event_type": "JobUpdatedEvent", "event_id": "%s", "job_id": "%s", "status_type": "RUNNING",
                 "status_detail": "late", "job_name": "renamed", "definition_id": "def-1",
                 "timestamp_event": 1732000001500, "additional_context": {"c": 99, "d": 4}}"""
                .formatted(Events.id(), jobId)));
        // A duplicate changes nothing.
        assertAccepted(gateway.post("/topics/public.cps.za.status_change", token, finished));

        Map<String, Object> row = single(
                "SELECT * FROM public_cps_za_status_change_aggregated_job WHERE job_id = ?::uuid", jobId);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("job_id", java.util.UUID.fromString(jobId));
        expected.put("job_group_id", null);
        expected.put("parent_job_id", null);
        expected.put("initial_job_id", null);
        expected.put("job_ref", null);
        expected.put("job_name", "nightly load");
        expected.put("definition_id", "def-1");
        expected.put("definition_version", null);
        expected.put("tenant_id", "T1");
        expected.put("country", null);
        expected.put("source_app", "orchestrator");
        expected.put("source_app_version", null);
        expected.put("environment", null);
        expected.put("platform", "aws.emr");
        expected.put("platform_metadata", JSON.readTree("{\"cluster_id\": \"j-1\"}"));
        expected.put("input_arguments", JSON.readTree("{\"x\": 1}"));
        expected.put("additional_context", JSON.readTree("{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}"));
        expected.put("attempt_number", 2);
        expected.put("status_type", "FAILED");
        expected.put("status_subtype", "OOM");
        expected.put("status_detail", null);
        expected.put("created_at", null);
        expected.put("started_at", instant(1732000001000L));
        expected.put("finished_at", instant(1732000002000L));
        expected.put("last_updated_at", instant(1732000002000L));
        Map<String, Object> actual = new LinkedHashMap<>(row);
        for (String column : List.of("platform_metadata", "input_arguments", "additional_context")) {
            actual.put(column, json(row.get(column)));
        }
        assertEquals(expected, actual);
    }

    /**
     * Values that a statement could not store, each in an otherwise valid event of its topic: the
     * event id to look for, and the event. Each case names the refused field's location.
     */
    static Stream<Arguments> unstorable() {
        return Stream.of(
                unstorable("NUL in a string", TEST, "/source_app",
                        id -> Events.test(id).replace("\"tests\"", "\"te\\u0000sts\"")),
                unstorable("NUL in a key", TEST, "/additional_info/no\u0000te",
                        id -> Events.test(id).replace("\"note\"", "\"no\\u0000te\"")),
                unstorable("an unpaired surrogate in a string", TEST, "/tenant_id",
                        id -> Events.test(id).replace("\"DEMO\"", "\"DE\\ud800MO\"")),
                unstorable("an integer beyond bigint", TEST, "/timestamp",
                        id -> Events.test(id).replace("1732000000000", "99999999999999999999")),
                unstorable("1e400 for a bigint", TEST, "/timestamp",
                        id -> Events.test(id).replace("1732000000000", "1e400")),
                unstorable("a number beyond numeric, in jsonb", TEST, "/additional_info/note",
                        id -> Events.test(id).replace("\"hello\"", "1e131072")),
                unstorable("a string longer than its varchar", RUNS, "/jobs/1/catalog_id",
                        id -> Events.runs(id, "spark", "dev", "DLAK").replace("\"db.b\"", "\"" + "x".repeat(256) + "\"")),
                unstorable("attempt_number over integer", STATUS_CHANGE, "/attempt_number",
                        id -> Events.statusChange(Events.id(), id, "RUNNING").replace("\"attempt_number\": 1", "\"attempt_number\": 2147483648")),
                unstorable("a timestamp past the interval range", STATUS_CHANGE, "/timestamp_event",
                        id -> Events.statusChange(Events.id(), id, "RUNNING").replace("1732000000000", "9223372036854775")),
                unstorable("no timestamp for the NOT NULL last_updated_at", STATUS_CHANGE, "/timestamp_event",
                        id -> Events.statusChange(Events.id(), id, "RUNNING").replace("\"timestamp_event\": 1732000000000,", "")));
    }

    private static Arguments unstorable(String name, String topic, String pointer, Function<String, String> event) {
        return Arguments.of(name, topic, pointer, event);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unstorable")
    @Order(5)
    void valueThatTheSinkCannotStoreIs400BeforeAnySinkHasIt(String name, String topic, String pointer,
                                                            Function<String, String> event) throws Exception {
        String id = Events.id();
        HttpResponse<String> refused = gateway.post("/topics/" + topic, gateway.token(WRITER.get(topic)), event.apply(id));

        assertError(refused, 400, "validation", pointer + ": ");
        assertEquals(0, rows(ROW_BY_ID.get(topic), id).size(), "no row for the refused event");
        String next = Events.id();
        assertAccepted(gateway.post("/topics/" + topic, gateway.token(WRITER.get(topic)), VALID.get(topic).apply(next)));
        assertEquals(1, rows(ROW_BY_ID.get(topic), next).size());
        KafkaRecords.assertAbsentBefore(kafka.bootstrapServers(), topic, id, next);
    }

    @Test
    @Order(5)
    void valuesAtTheLimitsAreStored() throws Exception {
        String jobId = Events.id();
        assertAccepted(gateway.post("/topics/" + STATUS_CHANGE, gateway.token("TestUser"),
                Events.statusChange(Events.id(), jobId, "RUNNING")
                        .replace("1732000000000", String.valueOf(PostgresColumns.MAX_EPOCH_MS))
                        .replace("\"attempt_number\": 1", "\"attempt_number\": " + Integer.MAX_VALUE)));
        Map<String, Object> job = single("SELECT (extract(epoch FROM last_updated_at) * 1000000)::bigint AS micros, attempt_number"
                + " FROM public_cps_za_status_change_aggregated_job WHERE job_id = ?::uuid", jobId);
        // in the year 294247; as a float8 times 1000 microseconds, rounded to the nearest double
        assertEquals(Math.round(1000.0 * PostgresColumns.MAX_EPOCH_MS), job.get("micros"));
        assertEquals(Integer.MAX_VALUE, job.get("attempt_number"));

        String id = Events.id();
        assertAccepted(gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(id)
                .replace("1732000000000", "9223372036854775807.4")
                .replace("\"tests\"", "\"" + "é".repeat(255) + "\"")
                .replace("\"hello\"", "[9.999e131071, 1e-16383, 1e-330]")));
        Map<String, Object> row = single("SELECT * FROM public_cps_za_test WHERE event_id = ?", id);
        assertEquals(Long.MAX_VALUE, row.get("timestamp_event"));
        assertEquals("é".repeat(255), row.get("source_app"));
    }

    @Test
    @Order(5)
    void topicWithoutTableIsAcknowledged() {
        assertAccepted(gateway.post("/topics/public.cps.za.unmapped", gateway.token("TestUser"),
                "{\"event_id\": \"" + Events.id() + "\"}"));
    }

    @Test
    @Order(6)
    void healthProbesTheDatabaseThroughTheConfiguredPool() throws Exception {
        HttpResponse<String> health = gateway.get("/health");
        assertEquals(200, health.statusCode(), health.body());
        assertEquals("ok", JSON.readTree(health.body()).path("dependencies").path("postgres").asText());
        // postgres.properties.* reach the driver; the pool stays within postgres.pool_size (default 2).
        long connections = (Long) single("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = ?",
                "EventGate-test").get("n");
        assertTrue(connections >= 1 && connections <= 2, connections + " connections");
    }

    @Test
    @Order(6)
    void beyondItsBoundAnEventFailsAtOnceAsAtCapacity() throws Exception {
        try (RunningGateway bounded = RunningGateway.start(onTheDatabase(Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.sinks.postgres.threads", "1",
                "eventgate.sinks.postgres.queue_size", "2")));
             Connection locker = postgres.getPostgresDatabase().getConnection()) {
            String token = bounded.token("TestUser");
            // Inserts into the table wait for this transaction: one event is written (waits), two wait for the thread.
            locker.setAutoCommit(false);
            locker.createStatement().execute("LOCK TABLE public_cps_za_test IN ACCESS EXCLUSIVE MODE");
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                long start = System.nanoTime();
                Map<String, CompletableFuture<HttpResponse<String>>> answers = new LinkedHashMap<>();
                for (int i = 0; i < 8; i++) {
                    String id = Events.id();
                    answers.put(id, CompletableFuture.supplyAsync(
                            () -> bounded.post("/topics/public.cps.za.test", token, Events.test(id)), clients));
                }
                List<String> refused = new ArrayList<>();
                // Refused at once: well before the sink's deadline (5 s) that the waiting ones would meet.
                // A fresh gateway's first eight requests may take a second or two on a loaded machine.
                while (refused.size() < 5 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4)) {
                    Thread.sleep(20);
                    refused = answers.keySet().stream().filter(id -> answers.get(id).isDone()).toList();
                }
                long refusedMs = (System.nanoTime() - start) / 1_000_000;

                assertEquals(5, refused.size(), "answered while the table is locked: " + refused);
                assertTrue(refusedMs < 3500, "refused after " + refusedMs + " ms");
                for (String id : refused) {
                    HttpResponse<String> answer = answers.get(id).join();
                    assertEquals(500, answer.statusCode(), answer.body());
                    JsonNode errors = JSON.readTree(answer.body()).path("errors");
                    assertEquals(1, errors.size(), answer.body());
                    assertEquals("postgres", errors.get(0).path("type").asText(), answer.body());
                    assertEquals("Postgres sink is at capacity (1 writing, 2 waiting)",
                            errors.get(0).path("message").asText());
                }
                locker.commit();
                for (String id : answers.keySet()) {
                    if (!refused.contains(id)) {
                        assertAccepted(answers.get(id).get(SINK_TIMEOUT_MS, TimeUnit.MILLISECONDS));
                        assertEquals(1, rows("SELECT * FROM public_cps_za_test WHERE event_id = ?", id).size());
                    }
                }
            } finally {
                locker.rollback();
                clients.shutdownNow();
            }
        }
    }

    @Test
    @Order(7)
    void stoppedDatabaseFailsOnlyThePostgresSinkWithinItsDeadline() throws Exception {
        postgres.close();
        String id = Events.id();
        long start = System.nanoTime();
        HttpResponse<String> answer = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), Events.test(id));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(500, answer.statusCode(), answer.body());
        JsonNode errors = JSON.readTree(answer.body()).path("errors");
        assertEquals(1, errors.size(), answer.body());
        assertEquals("postgres", errors.get(0).path("type").asText());
        assertTrue(!errors.get(0).path("message").asText().isBlank(), answer.body());
        assertTrue(elapsedMs < SINK_TIMEOUT_MS + 1500, "answered in " + elapsedMs + " ms");
        assertTrue(KafkaRecords.find(kafka.bootstrapServers(), "public.cps.za.test",
                r -> r.value().contains(id), Duration.ofSeconds(10)).isPresent(), "Kafka still has the event");

        HttpResponse<String> health = gateway.get("/health");
        assertEquals(503, health.statusCode(), health.body());
        assertTrue(JSON.readTree(health.body()).path("failures").has("postgres"), health.body());
    }

    @Test
    @Order(8)
    void startsWhileTheDatabaseIsDownAndReportsPerRequest() throws Exception {
        try (RunningGateway early = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.postgres.host", "127.0.0.1",
                "eventgate.postgres.port", String.valueOf(RunningGateway.freePort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.migrate", "true",
                "eventgate.postgres.connect_timeout_ms", "500"))) {
            HttpResponse<String> answer = early.post("/topics/public.cps.za.test", early.token("TestUser"),
                    Events.test(Events.id()));
            assertEquals(500, answer.statusCode(), answer.body());
            JsonNode error = JSON.readTree(answer.body()).path("errors").get(0);
            assertEquals("postgres", error.path("type").asText(), answer.body());
            assertEquals("cannot connect to the database", error.path("message").asText(), answer.body());
        }
    }

    private static void assertAccepted(HttpResponse<String> answer) {
        assertEquals(202, answer.statusCode(), answer.body());
    }

    private static OffsetDateTime instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).atOffset(java.time.ZoneOffset.UTC);
    }

    private static JsonNode json(Object value) {
        try {
            return value == null ? null : JSON.readTree(value.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            connection.createStatement().execute(sql);
        }
    }

    private static Map<String, Object> single(String sql, Object... params) throws SQLException {
        List<Map<String, Object>> rows = rows(sql, params);
        assertEquals(1, rows.size(), "rows for " + sql);
        return rows.get(0);
    }

    /** Rows as column -> value; timestamptz as UTC OffsetDateTime, jsonb as its text. */
    private static List<Map<String, Object>> rows(String sql, Object... params) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                ResultSetMetaData meta = result.getMetaData();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= meta.getColumnCount(); c++) {
                        Object value = "timestamptz".equals(meta.getColumnTypeName(c))
                                ? toUtc(result.getObject(c, OffsetDateTime.class))
                                : "jsonb".equals(meta.getColumnTypeName(c)) ? result.getString(c) : result.getObject(c);
                        if (!"internal_id".equals(meta.getColumnName(c))) {
                            row.put(meta.getColumnName(c), value);
                        }
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    private static OffsetDateTime toUtc(OffsetDateTime value) {
        return value == null ? null : value.withOffsetSameInstant(java.time.ZoneOffset.UTC);
    }
}
