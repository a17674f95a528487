package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.AcceptingSink;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sinks' bulkhead ({@code sink_max_in_flight}) and batches, over real HTTP with the real broker: a
 * sink with a batch route (Kafka) takes a batch's share in one call and holds one place for it, so
 * concurrent batches fit as requests do; a sink without one (a YAML route) gets each event as its own
 * call and holds one place per event, and the events past its bound are 500 "at capacity" for it alone.
 */
class BatchBulkheadTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final java.util.regex.Pattern EVENT_ID = java.util.regex.Pattern.compile("\"event_id\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void aBatchHoldsOnePlaceInABatchRoutesSinkAndOnePerEventInAnother(@TempDir Path routes) {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes," + AcceptingSink.writeTo(routes),
                "eventgate.sinks.kafka.max_in_flight", "1",
                "eventgate.sinks.accept.max_in_flight", "50"))) {
            List<String> ids = ids(100);

            HttpResponse<String> answer = publish(gateway, ids);

            assertEquals(207, answer.statusCode(), answer.body());
            JsonNode results = json(answer.body()).get("results");
            for (int i = 0; i < 100; i++) {
                JsonNode result = results.get(i);
                if (i < 50) {
                    assertEquals(202, result.get("statusCode").asInt(), result.toString());
                } else {
                    assertEquals(500, result.get("statusCode").asInt(), result.toString());
                    assertEquals(1, result.get("errors").size(), "Kafka took the whole batch: " + result);
                    assertEquals("accept", result.get("errors").get(0).get("type").asText());
                    assertTrue(result.get("errors").get(0).get("message").asText().contains("at capacity"), result.toString());
                }
            }
            assertEquals(Set.copyOf(ids), inKafka(ids), "every event is in Kafka");
        }
    }

    @Test
    void sixteenConcurrentBatchesOfAHundredFitSixteenPlaces() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.sink_max_in_flight", "16"))) {
            List<List<String>> batches = IntStream.range(0, 16).mapToObj(i -> ids(100)).toList();
            ExecutorService clients = Executors.newFixedThreadPool(16);
            try {
                List<CompletableFuture<HttpResponse<String>>> answers = batches.stream()
                        .map(ids -> CompletableFuture.supplyAsync(() -> publish(gateway, ids), clients)).toList();
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    HttpResponse<String> response = answer.get();
                    assertEquals(202, response.statusCode(), response.body());
                }
            } finally {
                clients.shutdown();
            }
            List<String> all = batches.stream().flatMap(List::stream).toList();
            assertEquals(Set.copyOf(all), inKafka(all));
        }
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> Events.id()).toList();
    }

    private static HttpResponse<String> publish(RunningGateway gateway, List<String> ids) {
        String body = ids.stream().map(Events::test).collect(Collectors.joining(",", "[", "]"));
        return gateway.post("/topics/" + TOPIC + "/batch", gateway.token("TestUser"), body);
    }

    /** The ids of {@code ids} found in the topic's records up to the last of them. */
    private static Set<String> inKafka(List<String> ids) {
        Set<String> wanted = Set.copyOf(ids);
        Set<String> found = new HashSet<>();
        KafkaRecords.upTo(SharedKafka.bootstrapServers(), TOPIC, r -> {
            java.util.regex.Matcher id = EVENT_ID.matcher(r.value());
            if (id.find() && wanted.contains(id.group(1))) {
                found.add(id.group(1));
            }
            return found.size() == wanted.size();
        }, Duration.ofSeconds(20));
        return found;
    }
}
