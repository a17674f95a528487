package io.eventgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With the broker gone, a publish answers 500 {@code kafka} within the sink timeout, and /health is degraded. */
class BrokerDownTest {

    private static final long SINK_TIMEOUT_MS = 2000;
    private static EmbeddedKafka kafka;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        kafka.createTopic("public.cps.za.test"); // not made by the first publish, which has 2 s
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.sink_timeout_ms", String.valueOf(SINK_TIMEOUT_MS)));
        assertEquals(202, gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                Events.test(Events.id())).statusCode(), "the producer is connected while the broker is up");
        kafka.close();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void publishAnswers500KafkaWithinTheTimeout() {
        long started = System.nanoTime();
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                Events.test(Events.id()));
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertError(response, 500, "kafka", "");
        assertTrue(elapsedMs < SINK_TIMEOUT_MS + 1500, "answered after " + elapsedMs + " ms");
    }

    @Test
    void refusalsStillWorkWithoutTheBroker() {
        assertError(gateway.post("/topics/public.cps.za.test", null, "{}"), 401, "auth", "Token is missing");
    }

    @Test
    void healthIsDegraded() throws Exception {
        HttpResponse<String> response = gateway.get("/health");

        assertEquals(503, response.statusCode(), response.body());
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertEquals("degraded", body.get("status").asText());
        assertTrue(body.get("failures").has("kafka"), response.body());
        assertTrue(body.get("dependencies").has("kafka"), response.body());
        String reason = body.get("failures").get("kafka").asText();
        assertTrue(reason.startsWith("no answer"), reason);
        assertTrue(!reason.contains("127.0.0.1") && !reason.contains("Exception"), "no internals: " + reason);
    }
}
