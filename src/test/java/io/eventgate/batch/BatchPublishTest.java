package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.FakeEventBridge;
import io.eventgate.testsupport.FakeEventBridge.Behaviour;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.assertJson;
import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /topics/{topic}/batch} over real HTTP, with a real broker, a real Postgres (embedded,
 * migrated by EventGate) and a YAML sink without a batch route (the file archive of examples/sinks):
 * what lands where, byte for byte, the per-event answers, and the refusals of the whole request.
 */
class BatchPublishTest {

    private static final String TEST = "public.cps.za.test";
    private static final int MAX_EVENTS = 50;

    @TempDir
    static Path routes;
    @TempDir
    static Path archive;

    private static EmbeddedPostgres postgres;
    private static FakeEventBridge eventBridge;
    private static String bootstrap;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        Files.copy(Path.of("examples/sinks/file-archive.yaml"), routes.resolve("file-archive.yaml"));
        postgres = EmbeddedPostgres.builder().start();
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        eventBridge = FakeEventBridge.start();
        bootstrap = SharedKafka.bootstrapServers();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("eventgate.kafka_bootstrap_server", bootstrap);
        settings.put("eventgate.routes-dir", "routes," + routes);
        settings.put("eventgate.sinks.archive.directory", archive.toString());
        settings.put("eventgate.postgres.host", "localhost");
        settings.put("eventgate.postgres.port", String.valueOf(postgres.getPort()));
        settings.put("eventgate.postgres.database", "postgres");
        settings.put("eventgate.postgres.user", "postgres");
        settings.put("eventgate.postgres.migrate", "true");
        settings.put("eventgate.max_batch_events", String.valueOf(MAX_EVENTS));
        settings.put("eventgate.event_bus_arn", "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-test");
        settings.put("eventgate.eventbridge.endpoint_override", eventBridge.url());
        gateway = RunningGateway.start(settings);
    }

    @AfterAll
    static void stop() throws IOException {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (eventBridge != null) {
            eventBridge.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void eventBridgeAccepts() {
        eventBridge.behave(Behaviour.ACCEPT);
    }

    @Test
    void everyValidEventLandsInEverySinkAnd202() {
        List<String> ids = IntStream.range(0, 20).mapToObj(i -> Events.id()).toList();
        List<String> events = ids.stream().map(Events::test).toList();

        HttpResponse<String> response = publish(TEST, "TestUser", array(events));

        assertEquals(202, response.statusCode(), response.body());
        assertJson("{\"success\": true, \"statusCode\": 202, \"accepted\": 20, \"failed\": 0}", response.body());
        List<ConsumerRecord<String, String>> landed = landed(TEST, ids);
        assertEquals(events, landed.stream().map(ConsumerRecord::value).toList(), "each value is its element exactly as sent, in order");
        assertEquals(ids, landed.stream().map(ConsumerRecord::key).toList(), "each key is the event's event_id");
        assertEquals(ids, testRows(ids), "one row per event");
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(List.of(events.get(i)), archived(ids.get(i)), "the YAML sink got each event on its own");
        }
        List<FakeEventBridge.Request> calls = eventBridge.requests();
        assertEquals(List.of(10, 10), calls.stream().map(c -> c.body().get("Entries").size()).toList(),
                "PutEvents calls of 10 entries");
        List<String> details = new ArrayList<>();
        calls.forEach(c -> c.body().get("Entries").forEach(entry -> {
            assertEquals(TEST, entry.get("Source").asText());
            details.add(entry.get("Detail").asText());
        }));
        assertEquals(new java.util.HashSet<>(events), new java.util.HashSet<>(details), "every event once on the bus, as sent");
    }

    @Test
    void eventsThatASinkRejectsAre500InTheirResultsAndTheOthersStillLand() {
        eventBridge.behave(Behaviour.FAIL_ENTRY);
        List<String> ids = IntStream.range(0, 3).mapToObj(i -> Events.id()).toList();

        HttpResponse<String> response = publish(TEST, "TestUser", array(ids.stream().map(Events::test).toList()));

        assertEquals(207, response.statusCode(), response.body());
        JsonNode body = json(response.body());
        assertEquals(0, body.get("accepted").asInt());
        for (JsonNode result : body.get("results")) {
            assertEquals(500, result.get("statusCode").asInt(), result::toString);
            assertEquals(1, result.get("errors").size(), "only EventBridge failed: " + result);
            assertEquals("eventbridge", result.get("errors").get(0).get("type").asText());
            assertTrue(result.get("errors").get(0).get("message").asText().startsWith("EventBridge rejected"), result::toString);
        }
        landed(TEST, ids);
        assertEquals(ids, testRows(ids));
    }

    @Test
    void batchRecordsAreTheSameAsSingleEventRecords() {
        String single = Events.id();
        String batched = Events.id();
        assertEquals(202, gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(single)).statusCode());
        assertEquals(202, publish(TEST, "TestUser", array(List.of(Events.test(batched)))).statusCode());

        List<ConsumerRecord<String, String>> records = landed(TEST, List.of(single, batched));
        assertEquals(headers(records.get(0)), headers(records.get(1)), "the same record headers");
        assertEquals(Events.test(single).replace(single, batched), records.get(1).value());
    }

    @Test
    void mixedBatchIs207WithOneResultPerEventAndOnlyTheValidOnesLand() {
        String[] ids = Stream.generate(Events::id).limit(7).toArray(String[]::new);
        List<String> events = List.of(
                Events.test(ids[0]),
                "{\"event_id\": \"" + ids[1] + "\", \"tenant_id\": \"DEMO\"}",
                "42",
                Events.test(ids[3]).replace("\"tenant_id\": \"DEMO\"", "\"tenant_id\": \"DEMO\", \"tenant_id\": \"X\""),
                Events.test(ids[4]),
                Events.test(ids[5]).replace("1732000000000", "1e30"),
                Events.test(ids[6]).replace("hello", "\\ud800"));

        HttpResponse<String> response = publish(TEST, "TestUser", array(events));

        assertEquals(207, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = json(response.body());
        assertEquals(false, body.get("success").asBoolean());
        assertEquals(207, body.get("statusCode").asInt());
        assertEquals(2, body.get("accepted").asInt());
        assertEquals(5, body.get("failed").asInt());
        JsonNode results = body.get("results");
        assertEquals(7, results.size());
        for (int i = 0; i < 7; i++) {
            assertEquals(i, results.get(i).get("index").asInt());
        }
        assertAccepted(results.get(0));
        assertRefused(results.get(1), 400, "/environment: required property");
        assertRefused(results.get(2), 400, "must be a JSON object");
        assertRefused(results.get(3), 400, "/tenant_id: the key appears more than once");
        assertAccepted(results.get(4));
        assertRefused(results.get(5), 400, "/timestamp: out of the range of the Postgres column");
        assertRefused(results.get(6), 400, "/additional_info/note: the string holds an unpaired UTF-16 surrogate");

        List<String> valid = List.of(ids[0], ids[4]);
        List<ConsumerRecord<String, String>> landed = landed(TEST, valid);
        assertEquals(List.of(events.get(0), events.get(4)), landed.stream().map(ConsumerRecord::value).toList());
        for (String refused : List.of(ids[1], ids[3], ids[5], ids[6])) {
            KafkaRecords.assertAbsentBefore(bootstrap, TEST, refused, ids[4]);
            assertEquals(List.of(), archived(refused));
        }
        assertEquals(valid, testRows(Arrays.asList(ids)), "rows for the valid events only");
    }

    @Test
    void fieldConstraintsApplyToEachEvent() {
        String allowed = Events.id();
        String refused = Events.id();
        HttpResponse<String> response = publish("public.cps.za.runs", "RestrictedTestUser", array(List.of(
                Events.runs(allowed, "restricted-app", "dev", "avms"),
                Events.runs(refused, "restricted-app", "prod", "avms"))));

        assertEquals(207, response.statusCode(), response.body());
        JsonNode results = json(response.body()).get("results");
        assertAccepted(results.get(0));
        assertEquals(403, results.get(1).get("statusCode").asInt());
        assertEquals("permission", results.get(1).get("errors").get(0).get("type").asText());
        KafkaRecords.assertAbsentBefore(bootstrap, "public.cps.za.runs", refused, allowed);
    }

    @Test
    void tokenTopicAndAccessAreCheckedOnceForTheWholeRequest() {
        String body = array(List.of(Events.test(Events.id())));
        assertError(gateway.post("/topics/" + TEST + "/batch", null, body), 401, "auth", "Token is missing");
        assertError(publish("public.cps.za.nope", "TestUser", body), 404, "topic", "public.cps.za.nope");
        assertError(publish(TEST, "FooUser", body), 403, "auth", "User not authorized for topic");
    }

    @Test
    void requestsThatAreNotABatchAre400Validation() {
        assertError(publish(TEST, "TestUser", Events.test(Events.id())), 400, "validation", "must be a JSON array");
        assertError(publish(TEST, "TestUser", "[]"), 400, "validation", "The batch is empty");
        assertError(publish(TEST, "TestUser", ""), 400, "validation", "Request body is empty");
        assertError(publish(TEST, "TestUser", "[{\"event_id\": 1}"), 400, "validation", "not valid JSON");
        assertError(publish(TEST, "TestUser", "[{}] []"), 400, "validation", "more after the JSON value");
        assertError(publish(TEST, "TestUser", "[{}, }]"), 400, "validation", "not valid JSON at line 1");
    }

    @Test
    void moreThanMaxBatchEventsIs400AndNothingLands() {
        List<String> ids = IntStream.range(0, MAX_EVENTS + 1).mapToObj(i -> Events.id()).toList();

        HttpResponse<String> response = publish(TEST, "TestUser", array(ids.stream().map(Events::test).toList()));

        assertError(response, 400, "validation", "more than " + MAX_EVENTS + " events (max_batch_events)");
        String after = Events.id();
        assertEquals(202, gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(after)).statusCode());
        KafkaRecords.assertAbsentBefore(bootstrap, TEST, ids.get(0), after);
    }

    @Test
    void bodyOverMaxBodyBytesIs413() {
        String event = Events.test(Events.id()).replace("hello", "x".repeat(40_000));
        String body = array(IntStream.range(0, 27).mapToObj(i -> event).toList());
        assertTrue(body.length() > 1024 * 1024);

        assertError(publish(TEST, "TestUser", body), 413, "validation", "1048576");
    }

    @Test
    void onlyPostOnTheBatchPath() {
        HttpResponse<String> response = gateway.get("/topics/" + TEST + "/batch");
        assertError(response, 404, "route", "Resource not found");
        assertError(publish(TEST + "/x", "TestUser", "[]"), 404, "route", "Resource not found");
    }

    // --- helpers ---

    private static HttpResponse<String> publish(String topic, String user, String body) {
        return gateway.post("/topics/" + topic + "/batch", gateway.token(user), body);
    }

    private static String array(List<String> events) {
        return "[\n" + String.join(",\n", events) + "\n]";
    }

    private static void assertAccepted(JsonNode result) {
        assertEquals(true, result.get("success").asBoolean(), result::toString);
        assertEquals(202, result.get("statusCode").asInt(), result::toString);
        assertTrue(result.get("errors") == null, result::toString);
    }

    private static void assertRefused(JsonNode result, int status, String messagePart) {
        assertEquals(false, result.get("success").asBoolean(), result::toString);
        assertEquals(status, result.get("statusCode").asInt(), result::toString);
        JsonNode errors = result.get("errors");
        assertTrue(errors.size() >= 1, result::toString);
        assertEquals("validation", errors.get(0).get("type").asText(), result::toString);
        assertTrue(errors.get(0).get("message").asText().contains(messagePart), result::toString);
    }

    /** The records of {@code ids} in the topic, in the order they landed; each id exactly once. */
    private static List<ConsumerRecord<String, String>> landed(String topic, List<String> ids) {
        String last = ids.get(ids.size() - 1);
        List<ConsumerRecord<String, String>> read = KafkaRecords.upTo(bootstrap, topic, r -> r.value().contains(last), Duration.ofSeconds(15));
        List<ConsumerRecord<String, String>> ours = new ArrayList<>();
        for (ConsumerRecord<String, String> record : read) {
            if (ids.stream().anyMatch(id -> record.value().contains(id))) {
                ours.add(record);
            }
        }
        assertEquals(ids.size(), ours.size(), "records of " + ids + " in " + topic);
        return ours;
    }

    private static Map<String, String> headers(ConsumerRecord<String, String> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value()));
        }
        return headers;
    }

    /** The event ids among {@code ids} that have a row in public_cps_za_test, in the order of {@code ids}. */
    private static List<String> testRows(List<String> ids) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT event_id FROM public_cps_za_test WHERE event_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", ids.toArray()));
            List<String> found = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return ids.stream().filter(found::contains).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The archive's files that hold {@code id}, their contents. */
    private static List<String> archived(String id) {
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile).map(BatchPublishTest::read).filter(text -> text.contains(id))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
