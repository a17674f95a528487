package io.eventgate.metrics;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} over real HTTP after real batch publishes ({@code POST /topics/{topic}/batch}):
 * the real broker (Kafka's batch route) and a YAML sink without a batch route that posts each event to
 * a web hook served here. Each event of a batch is counted in {@code eventgate_events_total} by its own
 * status, and each sink's latency and failures are counted per event, as for single publishes. The
 * counters grow across the tests, so each test compares two scrapes.
 */
class BatchMetricsTest {

    private static final String TOPIC = "public.cps.za.test";

    @TempDir
    static Path routes;
    private static String bootstrap;
    private static RunningGateway gateway;
    private static WebHook hook;

    @BeforeAll
    static void start() {
        hook = WebHook.start(routes, () -> { });
        bootstrap = SharedKafka.bootstrapServers();
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        hook.close();
    }

    private static Scrape scrape() {
        return Scrape.of(gateway);
    }

    private static double grew(Scrape before, Scrape after, String name, String... labels) {
        return after.value(name, labels) - before.value(name, labels);
    }

    private static HttpResponse<String> batch(String token, String... events) {
        return gateway.post("/topics/" + TOPIC + "/batch", token, "[" + String.join(",", events) + "]");
    }

    @Test
    void eachEventOfABatchIsCountedByItsOwnStatusAndEachSinkPerEvent() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        String last = Events.test(Events.id());
        HttpResponse<String> answer = batch(token, Events.test(Events.id()), Events.test(Events.id()), last,
                "{\"event_id\": \"" + Events.id() + "\"}", "[1]");
        assertEquals(207, answer.statusCode(), answer.body());
        assertTrue(KafkaRecords.find(bootstrap, TOPIC, r -> r.value().equals(last), Duration.ofSeconds(10)).isPresent());

        Scrape after = scrape();

        String events = "eventgate_events_total";
        assertEquals(3, grew(before, after, events, "topic", TOPIC, "status", "202", "error", "none"), after.text());
        assertEquals(2, grew(before, after, events, "topic", TOPIC, "status", "400", "error", "validation"), after.text());
        assertEquals(0, grew(before, after, events, "topic", TOPIC, "status", "207", "error", "other"), "the request is not counted as one");
        String latency = "eventgate_sink_latency_seconds_count";
        for (String sink : new String[] {"kafka", "hook"}) {
            assertEquals(3, grew(before, after, latency, "sink", sink, "outcome", "acknowledged"), sink + ": " + after.text());
            assertEquals(0, grew(before, after, latency, "sink", sink, "outcome", "failed"), sink);
        }
        // a 207 with refusals only is a refused request
        assertEquals(1, grew(before, after, "eventgate_publish_duration_seconds_count", "outcome", "refused"));
    }

    @Test
    void aSinkThatFailsABatchIsCountedPerEventWithItsReasonClass() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        hook.status.set(503);
        HttpResponse<String> answer;
        try {
            answer = batch(token, Events.test(Events.id()), Events.test(Events.id()));
        } finally {
            hook.status.set(200);
        }
        assertEquals(207, answer.statusCode(), answer.body());
        assertTrue(answer.body().contains("\"type\":\"hook\""), answer.body());

        Scrape after = scrape();

        assertEquals(2, grew(before, after, "eventgate_events_total", "topic", TOPIC, "status", "500", "error", "sink"), after.text());
        String failures = "eventgate_sink_failures_total";
        assertEquals(2, grew(before, after, failures, "sink", "hook", "reason", "unavailable"), after.text());
        assertEquals(0, grew(before, after, failures, "sink", "kafka", "reason", "other"));
        String latency = "eventgate_sink_latency_seconds_count";
        assertEquals(2, grew(before, after, latency, "sink", "hook", "outcome", "failed"));
        assertEquals(2, grew(before, after, latency, "sink", "kafka", "outcome", "acknowledged"));
        assertEquals(1, grew(before, after, "eventgate_publish_duration_seconds_count", "outcome", "failed"));
    }

    @Test
    void aBatchAcceptedWholeCountsItsEventsAndARefusedRequestCountsOnce() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        assertEquals(202, batch(token, Events.test(Events.id()), Events.test(Events.id())).statusCode());
        assertError(batch(null, Events.test(Events.id()), Events.test(Events.id())), 401, "auth", "Token is missing");
        assertError(gateway.post("/topics/" + TOPIC + "/batch", token, "{}"), 400, "validation", "JSON array");

        Scrape after = scrape();

        String events = "eventgate_events_total";
        assertEquals(2, grew(before, after, events, "topic", TOPIC, "status", "202", "error", "none"), after.text());
        assertEquals(1, grew(before, after, events, "topic", TOPIC, "status", "401", "error", "auth"), after.text());
        assertEquals(1, grew(before, after, events, "topic", TOPIC, "status", "400", "error", "validation"), after.text());
        assertEquals(1, grew(before, after, "eventgate_publish_duration_seconds_count", "outcome", "accepted"));
    }
}
