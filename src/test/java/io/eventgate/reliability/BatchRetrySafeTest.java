package io.eventgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retry-safe delivery of a batch ({@code POST /topics/{topic}/batch}) over real HTTP, with the real
 * broker and an embedded Postgres that is killed and started again: a batch that Postgres missed
 * answers 207 with 500 {@code postgres} for its events; the client's retry of the same batch answers
 * 202, and each event is then once in Kafka and once in Postgres. With the in-memory ledger (the
 * default) and with {@code delivery.repository=jdbc}, whose calls run off the event loop.
 */
class BatchRetrySafeTest {

    private static final String TEST = "public.cps.za.test";

    private static RestartablePostgres postgres;
    private static String bootstrap;

    @BeforeAll
    static void start() {
        bootstrap = SharedKafka.bootstrapServers();
        postgres = RestartablePostgres.start();
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> all = new HashMap<>();
        all.put("eventgate.kafka_bootstrap_server", bootstrap);
        all.putAll(postgres.sinkSettings());
        all.putAll(more);
        return all;
    }

    @Test
    void theRetryOfABatchPostgresMissedIsAcceptedAndWritesEachEventOnce() {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of()))) {
            retryAfterPostgresWasDown(gateway);
        }
    }

    @Test
    void withTheJdbcLedgerTheRetryOfABatchPostgresMissedIsAcceptedAndWritesEachEventOnce() {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of(
                "eventgate.delivery.repository", "jdbc",
                "eventgate.delivery.jdbc.retry_ms", "300")))) {
            retryAfterPostgresWasDown(gateway);
        }
    }

    private static void retryAfterPostgresWasDown(RunningGateway gateway) {
        List<String> ids = IntStream.range(0, 3).mapToObj(i -> Events.id()).toList();
        String batch = ids.stream().map(Events::test).collect(Collectors.joining(",", "[", "]"));
        postgres.kill();
        HttpResponse<String> first;
        try {
            first = publish(gateway, batch);
            assertEquals(207, first.statusCode(), first.body());
            JsonNode results = json(first.body()).get("results");
            assertEquals(3, results.size(), first.body());
            for (JsonNode result : results) {
                assertEquals(500, result.get("statusCode").asInt(), first.body());
                assertEquals(1, result.get("errors").size(), "only Postgres failed: " + first.body());
                assertEquals("postgres", result.get("errors").get(0).get("type").asText(), first.body());
            }
        } finally {
            postgres.restart();
        }

        HttpResponse<String> retry = publish(gateway, batch);

        assertEquals(202, retry.statusCode(), retry.body());
        assertEquals(3, json(retry.body()).get("accepted").asInt(), retry.body());
        Map<String, Long> copies = kafkaCopies(gateway, ids);
        for (String id : ids) {
            assertEquals(1L, copies.get(id), "copies of " + id + " in Kafka: " + copies);
            assertEquals(1L, rows(id), "rows of " + id + " in Postgres");
        }
        HttpResponse<String> again = publish(gateway, batch);
        assertEquals(202, again.statusCode(), "a third send, which every sink has: " + again.body());
        assertEquals(copies, kafkaCopies(gateway, ids), "the third send wrote nothing to Kafka");
    }

    private static HttpResponse<String> publish(RunningGateway gateway, String batch) {
        return gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), batch);
    }

    /** Per id, the records of the test topic that hold it: every one written before a marker published now. */
    private static Map<String, Long> kafkaCopies(RunningGateway gateway, List<String> ids) {
        String marker = Events.id();
        assertEquals(202, gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(marker)).statusCode());
        var read = KafkaRecords.upTo(bootstrap, TEST, r -> r.value().contains(marker), Duration.ofSeconds(10));
        assertTrue(read.get(read.size() - 1).value().contains(marker), "the marker is in " + TEST);
        Map<String, Long> copies = new HashMap<>();
        for (String id : ids) {
            copies.put(id, read.stream().filter(r -> r.value().contains(id)).count());
        }
        return copies;
    }

    private static long rows(String id) {
        return postgres.count("SELECT count(*) FROM public_cps_za_test WHERE event_id = ?", id);
    }
}
