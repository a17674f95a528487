package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With the broker gone, a batch answers 207 with a 500 {@code kafka} result for every event within the
 * sink's deadline, also for a topic whose metadata the producer never had (where each send would block
 * for {@code max.block.ms}).
 */
class BatchBrokerDownTest {

    private static final long SINK_TIMEOUT_MS = 2000;
    private static EmbeddedKafka kafka;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        // made here, not by the first batch: that has 500 ms (max_block_ms) for the topic's metadata
        kafka.createTopic("public.cps.za.test");
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.sink_timeout_ms", String.valueOf(SINK_TIMEOUT_MS),
                "eventgate.sinks.kafka.max_block_ms", "500"));
        assertEquals(202, gateway.post("/topics/public.cps.za.test/batch", gateway.token("TestUser"),
                "[" + Events.test(Events.id()) + "]").statusCode(), "the producer is connected while the broker is up");
        kafka.close();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void everyEventIs500KafkaWithinTheDeadline() {
        assertAllFailedInTime("public.cps.za.test", "TestUser", Events::test);
    }

    @Test
    void aTopicWithoutMetadataAlsoAnswersWithinTheDeadline() {
        assertAllFailedInTime("public.cps.za.dlchange", "FooUser", Events::dlchange);
        assertAllFailedInTime("public.cps.za.dlchange", "FooUser", Events::dlchange);
    }

    private static void assertAllFailedInTime(String topic, String user, java.util.function.Function<String, String> event) {
        String body = IntStream.range(0, 20).mapToObj(i -> event.apply(Events.id())).collect(Collectors.joining(",", "[", "]"));
        long started = System.nanoTime();
        HttpResponse<String> response = gateway.post("/topics/" + topic + "/batch", gateway.token(user), body);
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(207, response.statusCode(), response.body());
        assertTrue(elapsedMs < SINK_TIMEOUT_MS + 1500, "answered after " + elapsedMs + " ms");
        JsonNode results = json(response.body()).get("results");
        assertEquals(20, results.size());
        for (JsonNode result : results) {
            assertEquals(500, result.get("statusCode").asInt(), result::toString);
            List<String> types = result.get("errors").findValuesAsText("type");
            assertEquals(List.of("kafka"), types, result::toString);
        }
    }
}
