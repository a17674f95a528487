package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deadlines: a sink that answers after its own deadline counts as failed, one that never answers
 * is cut off, and the client never waits longer than the slowest deadline plus a margin.
 */
class SinkDeadlineTest {

    private static final long SLOW_DEADLINE_MS = 500;
    private static final long LONGEST_DEADLINE_MS = 2000;
    /** The answer's own time on a loaded machine; the stuck sink answers well after the bound. */
    private static final long MARGIN_MS = 1500;
    private static final long STUCK_MS = 5000;

    @TempDir
    static Path routes;
    private static String bootstrap;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(routes.resolve("slow.yaml"), sink("slow", 1200));
        Files.writeString(routes.resolve("stuck.yaml"), sink("stuck", STUCK_MS));
        bootstrap = SharedKafka.bootstrapServers();
        SharedKafka.createTopic("public.cps.za.test"); // Kafka's deadline is 2 s here too
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sink_timeout_ms", String.valueOf(LONGEST_DEADLINE_MS),
                "eventgate.sinks.slow.timeout_ms", String.valueOf(SLOW_DEADLINE_MS)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String sink(String name, long delayMs) {
        return """
                - route:
                    id: sink-%s
                    from:
                      uri: direct:sink-%s
                      steps:
                        - delay:
                            constant: %d
                """.formatted(name, name, delayMs);
    }

    @Test
    void lateAndStuckSinksFailAndTheAnswerComesWithinTheLongestDeadline() {
        String body = Events.test(Events.id());
        long started = System.nanoTime();

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals(500, response.statusCode(), response.body());
        JsonNode errors = json(response.body()).get("errors");
        assertEquals(2, errors.size(), response.body());
        assertEquals("slow", errors.get(0).get("type").asText());
        assertEquals("No acknowledgement within " + SLOW_DEADLINE_MS + " ms", errors.get(0).get("message").asText());
        assertEquals("stuck", errors.get(1).get("type").asText());
        assertEquals("No acknowledgement within " + LONGEST_DEADLINE_MS + " ms", errors.get(1).get("message").asText());
        assertTrue(elapsedMs < LONGEST_DEADLINE_MS + MARGIN_MS, "answered after " + elapsedMs + " ms");
        assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().equals(body), Duration.ofSeconds(10))
                .isPresent(), "the healthy sink still delivered");
    }
}
