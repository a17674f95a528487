package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.FakeEventBridge;
import io.eventgate.testsupport.FakeEventBridge.Behaviour;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EventBridge sink end to end: EventGate over HTTP, Kafka (embedded) and EventBridge (the real
 * AWS SDK client against {@link FakeEventBridge}) as sinks.
 */
class EventBridgeSinkTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final String BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-test";
    /**
     * The EventBridge sink's deadline. Every accepted publish must meet it too: 40 at once, each call
     * taking {@link FakeEventBridge#SLOW_MS}, answer in about 650 ms on an idle machine; 2.5 s leaves
     * a loaded one room (and stays under {@link FakeEventBridge#SILENCE_MS}).
     */
    private static final long DEADLINE_MS = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EmbeddedKafka kafka;
    private static FakeEventBridge eventBridge;
    private static RunningGateway gateway;
    private static String token;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        kafka = EmbeddedKafka.start();
        eventBridge = FakeEventBridge.start();
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.event_bus_arn", BUS,
                "eventgate.eventbridge.endpoint_override", eventBridge.url(),
                "eventgate.sinks.eventbridge.timeout_ms", String.valueOf(DEADLINE_MS)));
        token = gateway.token("TestUser");
        // Warm up (Kafka topic and producer, the AWS client) so that timings below are the sink's own.
        // Not asserted: the tests below check the outcomes.
        gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (eventBridge != null) {
            eventBridge.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @BeforeEach
    void accept() {
        eventBridge.behave(Behaviour.ACCEPT);
    }

    @Test
    void putsTheEventAsOneEntryOnTheBus() {
        // Text that Camel's expression languages or a naive parser might touch must pass unchanged.
        String body = Events.test(Events.id()).replace("\"hello\"",
                "\"${body} (a, b) {{eventgate.event_bus_arn}} \\\"q\\\" \\u00e9 ü\"");

        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, body);

        assertEquals(202, response.statusCode(), response.body());
        List<FakeEventBridge.Request> requests = eventBridge.requests();
        assertEquals(1, requests.size());
        FakeEventBridge.Request request = requests.get(0);
        assertEquals("AWSEvents.PutEvents", request.header("X-Amz-Target"));
        assertTrue(request.header("Content-Type").startsWith("application/x-amz-json-1.1"));
        assertTrue(request.header("Authorization").contains("/eu-west-1/events/aws4_request"),
                "signed for the bus's region: " + request.header("Authorization"));
        JsonNode entries = request.body().get("Entries");
        assertEquals(1, entries.size());
        JsonNode entry = entries.get(0);
        assertEquals(TOPIC, entry.get("Source").asText());
        assertEquals("JSON", entry.get("DetailType").asText());
        assertEquals(body, entry.get("Detail").asText());
        assertEquals(BUS, entry.get("EventBusName").asText());
        assertEquals(4, entry.size(), "no other fields: " + entry);
    }

    @Test
    void aRejectedEntryIsAnEventBridgeErrorAndKafkaStillGetsTheEvent() throws Exception {
        eventBridge.behave(Behaviour.FAIL_ENTRY);
        String id = Events.id();

        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, Events.test(id));

        assertEquals("EventBridge rejected the event: " + FakeEventBridge.FAILED_ENTRY_CODE + ": "
                + FakeEventBridge.FAILED_ENTRY_MESSAGE, onlyEventBridgeError(response));
        assertTrue(KafkaRecords.find(kafka.bootstrapServers(), TOPIC, r -> r.value().contains(id),
                Duration.ofSeconds(10)).isPresent(), "Kafka has the event");
    }

    @Test
    void aServerErrorIsAnEventBridgeError() throws Exception {
        eventBridge.behave(Behaviour.SERVER_ERROR);

        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));

        assertEquals("PutEvents failed: HTTP 500 InternalException: Internal failure", onlyEventBridgeError(response));
        assertEquals(2, eventBridge.requests().size(), "retried once (eventbridge.max_attempts default 2)");
    }

    @Test
    void throttlingIsAnEventBridgeErrorWithinTheDeadline() throws Exception {
        eventBridge.behave(Behaviour.THROTTLE);
        long start = System.nanoTime();

        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("PutEvents failed: HTTP 400 ThrottlingException: Rate exceeded", onlyEventBridgeError(response));
        assertEquals(2, eventBridge.requests().size(), "retried once (eventbridge.max_attempts default 2)");
        assertTrue(elapsedMs < DEADLINE_MS, "answered in " + elapsedMs + " ms");
    }

    @Test
    void noAnswerIsAnEventBridgeErrorAtTheDeadline() throws Exception {
        eventBridge.behave(Behaviour.SILENT);
        long start = System.nanoTime();

        HttpResponse<String> response = gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));

        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("No answer from EventBridge within the sink's deadline of " + DEADLINE_MS + " ms", onlyEventBridgeError(response));
        assertTrue(elapsedMs < DEADLINE_MS + 1000, "answered in " + elapsedMs + " ms");
    }

    @Test
    void beyondItsBoundAPublishFailsAtOnceAsEventBridgeAtCapacity() throws Exception {
        try (RunningGateway bounded = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.event_bus_arn", BUS,
                "eventgate.eventbridge.endpoint_override", eventBridge.url(),
                "eventgate.eventbridge.max_concurrency", "1",
                "eventgate.eventbridge.max_pending", "1"))) {
            String boundedToken = bounded.token("TestUser");
            bounded.post("/topics/" + TOPIC, boundedToken, Events.test(Events.id()));
            eventBridge.behave(Behaviour.SLOW);
            ExecutorService clients = Executors.newFixedThreadPool(4);
            try {
                long start = System.nanoTime();
                List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    responses.add(CompletableFuture.supplyAsync(
                            () -> bounded.post("/topics/" + TOPIC, boundedToken, Events.test(Events.id())), clients));
                }
                // One call on the sink's one thread and one waiting for it: the other two are refused at once.
                List<HttpResponse<String>> refused = new ArrayList<>();
                int accepted = 0;
                for (CompletableFuture<HttpResponse<String>> response : responses) {
                    HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
                    if (answer.statusCode() == 202) {
                        accepted++;
                    } else {
                        refused.add(answer);
                    }
                }
                assertTrue(accepted >= 1, accepted + " accepted");
                assertTrue(refused.size() >= 2, refused.size() + " refused");
                for (HttpResponse<String> answer : refused) {
                    assertEquals("EventBridge sink is at capacity (1 sending, 1 waiting)", onlyEventBridgeError(answer));
                }
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertTrue(elapsedMs < 4 * FakeEventBridge.SLOW_MS, "took " + elapsedMs + " ms");
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void concurrentPublishesWaitForEventBridgeTogether() throws Exception {
        // More publishes than the fan-out has threads (16): the sink's own pool (50) takes the calls.
        int publishes = 40;
        eventBridge.behave(Behaviour.ACCEPT);
        long instantMs = publishConcurrently(publishes);
        eventBridge.behave(Behaviour.SLOW);
        long slowMs = publishConcurrently(publishes);

        // Were a fan-out thread held per call, the fan-out's 16 threads would make at most 16 calls at
        // once, and take 40 calls in three rounds: 3 x SLOW_MS more. The calls at once are counted where
        // EventBridge answers them (no timing); the time only has to be under those three rounds, which
        // a loaded machine's noise cannot fake (about one SLOW_MS more is what an idle one shows).
        int atOnce = eventBridge.mostAtOnce();
        assertTrue(atOnce > 16, atOnce + " calls at once at most, of " + publishes);
        assertTrue(slowMs - instantMs < 3 * FakeEventBridge.SLOW_MS, publishes + " publishes took " + slowMs
                + " ms with EventBridge answering each in " + FakeEventBridge.SLOW_MS + " ms, " + instantMs
                + " ms with EventBridge answering at once");
    }

    /** Publishes this many events at once; asserts they are all accepted and returns how long that took. */
    private static long publishConcurrently(int publishes) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(publishes);
        try {
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < publishes; i++) {
                responses.add(CompletableFuture.supplyAsync(
                        () -> gateway.post("/topics/" + TOPIC, token, Events.test(Events.id())), clients));
            }
            for (CompletableFuture<HttpResponse<String>> response : responses) {
                HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
                assertEquals(202, answer.statusCode(), answer.body());
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(publishes, eventBridge.requests().size());
            return elapsedMs;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void healthShowsEventBridgeOk() throws Exception {
        HttpResponse<String> response = gateway.get("/health");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("ok", JSON.readTree(response.body()).path("dependencies").path("eventbridge").asText());
    }

    @Test
    void withoutABusTheSinkIsNotConfiguredAndKafkaAloneAccepts() throws Exception {
        try (RunningGateway kafkaOnly = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.event_bus_arn", "",
                "eventgate.eventbridge.endpoint_override", eventBridge.url()))) {

            HttpResponse<String> response = kafkaOnly.post("/topics/" + TOPIC,
                    kafkaOnly.token("TestUser"), Events.test(Events.id()));
            HttpResponse<String> health = kafkaOnly.get("/health");

            assertEquals(202, response.statusCode(), response.body());
            assertTrue(eventBridge.requests().isEmpty());
            assertEquals("not configured",
                    JSON.readTree(health.body()).path("dependencies").path("eventbridge").asText(), health.body());
        }
    }

    /** Asserts a 500 whose only error is the eventbridge sink's, and returns its message. */
    private static String onlyEventBridgeError(HttpResponse<String> response) throws Exception {
        assertEquals(500, response.statusCode(), response.body());
        JsonNode errors = JSON.readTree(response.body()).get("errors");
        assertEquals(1, errors.size(), response.body());
        assertEquals("eventbridge", errors.get(0).get("type").asText(), response.body());
        String message = errors.get(0).get("message").asText();
        assertFalse(message.isBlank());
        return message;
    }
}
