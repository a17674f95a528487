package io.eventgate.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.sinks.SinkHealth;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /health} with {@code delivery.repository=jdbc}: the shared acknowledgement table is among the
 * dependencies as {@code delivery_ledger}, "ok" or a plain reason, and never among the failures: with
 * Postgres stopped the answer is 503 for the Postgres sink (the ledger says why it is down too); with
 * only the table missing the answer stays 200. The memory ledger adds nothing.
 */
class LedgerHealthTest {

    private static final String LEDGER = SinkHealth.DELIVERY_LEDGER;

    private static RestartablePostgres postgres;

    @BeforeAll
    static void start() {
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
        all.put("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers());
        all.putAll(postgres.sinkSettings());
        all.put("eventgate.delivery.repository", "jdbc");
        all.putAll(more);
        return all;
    }

    @Test
    void postgresStoppedIsReportedForTheLedgerAndItsBackIsToo() {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of()))) {
            JsonNode healthy = health(gateway, 200);
            assertEquals("ok", healthy.path("dependencies").path(LEDGER).asText(), healthy.toString());

            postgres.kill();
            try {
                JsonNode down = health(gateway, 503);
                assertEquals("degraded", down.path("status").asText(), down.toString());
                assertEquals("shared table eventgate_delivery_acks: cannot connect to the database",
                        down.path("dependencies").path(LEDGER).asText(), down.toString());
                assertTrue(down.path("failures").has("postgres"), down.toString());
                assertFalse(down.path("failures").has(LEDGER), "the ledger is not a failure: " + down);
                assertFalse(down.toString().contains(String.valueOf(postgres.port())), down.toString());
            } finally {
                postgres.restart();
            }

            JsonNode back = awaitHealthy(gateway);
            assertEquals("ok", back.path("dependencies").path(LEDGER).asText(), back.toString());
        }
    }

    @Test
    void onlyTheLedgerDownKeepsHealth200WithItsReason() {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of("eventgate.delivery.jdbc.table", "no_such_table")))) {
            JsonNode answer = health(gateway, 200);
            assertEquals("ok", answer.path("status").asText(), answer.toString());
            assertFalse(answer.has("failures"), answer.toString());
            assertEquals("shared table no_such_table: the database refused the statement: the schema does not match (SQLSTATE 42P01)",
                    answer.path("dependencies").path(LEDGER).asText(), answer.toString());
            assertEquals("ok", answer.path("dependencies").path("postgres").asText(), answer.toString());
        }
    }

    @Test
    void aCheckMadeAsTheLastAnswerIsHandedOverProbesAgain() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of()))) {
            DeliveryLedger ledger = DeliveryLedger.of(gateway.app().camelContext(), gateway.app().config());
            CompletableFuture<String> first = ledger.health().orElseThrow();
            List<CompletableFuture<String>> next = new ArrayList<>();
            // As /health's next request can: made by what the answer is handed to, before anything else runs.
            first.thenAccept(status -> next.add(ledger.health().orElseThrow())).get(10, TimeUnit.SECONDS);

            assertEquals("ok", first.get());
            assertNotSame(first, next.get(0), "a new probe, not the answered one");
            assertEquals("ok", next.get(0).get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theMemoryLedgerIsNotReported() {
        try (RunningGateway gateway = RunningGateway.start(settings(Map.of("eventgate.delivery.repository", "memory")))) {
            JsonNode answer = health(gateway, 200);
            assertFalse(answer.path("dependencies").has(LEDGER), answer.toString());
        }
    }

    private static JsonNode health(RunningGateway gateway, int status) {
        HttpResponse<String> answer = gateway.get("/health");
        assertEquals(status, answer.statusCode(), answer.body());
        return json(answer.body());
    }

    /** /health until it is 200 (the sink's pool reconnects after the restart). */
    private static JsonNode awaitHealthy(RunningGateway gateway) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> answer = gateway.get("/health");
        while (answer.statusCode() != 200 && System.nanoTime() < deadline) {
            answer = gateway.get("/health");
        }
        assertEquals(200, answer.statusCode(), answer.body());
        return json(answer.body());
    }
}
