package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EventBridge sink end to end: EventGate over HTTP, Kafka (embedded) and EventBridge (the real
 * AWS SDK client against {@link FakeEventBridge}) as sinks.
 */
class EventBridgeSinkTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final String BUS = "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-test";
    private static final long DEADLINE_MS = 1500;
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
        assertEquals("No answer from EventBridge within " + (DEADLINE_MS - 250) + " ms", onlyEventBridgeError(response));
        assertTrue(elapsedMs < DEADLINE_MS + 1000, "answered in " + elapsedMs + " ms");
    }

    @Test
    void putReturnsAtOnceAndEventBridgesAnswerCompletesIt() throws Exception {
        eventBridge.behave(Behaviour.SLOW);
        try (EventBridgeSink sink = sink(50, 100)) {
            long start = System.nanoTime();
            List<CompletableFuture<String>> puts = put(sink, 20);
            long returnedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(returnedMs < FakeEventBridge.SLOW_MS, "20 puts returned after " + returnedMs + " ms");
            assertTrue(puts.stream().noneMatch(CompletableFuture::isDone), "none waited for its answer");

            CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            long answeredMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answeredMs < 3 * FakeEventBridge.SLOW_MS, "20 answers after " + answeredMs + " ms, not 20 x "
                    + FakeEventBridge.SLOW_MS);
            for (CompletableFuture<String> put : puts) {
                assertFalse(put.join().isBlank(), "an EventId");
            }
            assertEquals(20, eventBridge.requests().size());
        }
    }

    @Test
    void beyondItsBoundAPutFailsAtOnce() throws Exception {
        eventBridge.behave(Behaviour.SLOW);
        try (EventBridgeSink sink = sink(1, 1)) {
            long start = System.nanoTime();
            List<CompletableFuture<String>> puts = put(sink, 4);
            // One call on the wire and one waiting for the connection: the other two are refused at
            // once. Which two is up to the SDK's own scheduling, so count rather than name them.
            List<Throwable> refused = new java.util.ArrayList<>();
            for (CompletableFuture<String> put : puts) {
                try {
                    put.get(FakeEventBridge.SLOW_MS - 100, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    refused.add(e.getCause());
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    // on the wire, or waiting for the connection
                }
            }
            long refusedMs = (System.nanoTime() - start) / 1_000_000;

            assertTrue(refused.size() >= 2, refused.size() + " refused at once: " + refused);
            for (Throwable failure : refused) {
                assertInstanceOf(EventBridgeSink.PutEventsFailure.class, failure);
                assertTrue(failure.getMessage().startsWith("PutEvents failed: "), failure.getMessage());
            }
            assertTrue(refusedMs < 4 * FakeEventBridge.SLOW_MS, "took " + refusedMs + " ms");
            long answered = puts.stream().filter(p -> {
                try {
                    return !p.get(5, TimeUnit.SECONDS).isBlank();
                } catch (Exception e) {
                    return false;
                }
            }).count();
            assertTrue(answered >= 1, "the call on the wire is answered");
        }
    }

    @Test
    void concurrentPublishesWaitForEventBridgeTogether() throws Exception {
        int publishes = 20;
        eventBridge.behave(Behaviour.ACCEPT);
        long instantMs = publishConcurrently(publishes);
        eventBridge.behave(Behaviour.SLOW);
        long slowMs = publishConcurrently(publishes);

        // About one SLOW_MS more, not one per publish. (Were a fan-out thread held per call, the fan-out's
        // 10 threads would take 20 calls in two rounds: 2 x SLOW_MS more.)
        assertTrue(slowMs - instantMs < 3 * FakeEventBridge.SLOW_MS / 2, publishes + " publishes took " + slowMs
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

    /** Puts this many events, one after the other, without waiting for their answers. */
    private static List<CompletableFuture<String>> put(EventBridgeSink sink, int events) {
        List<CompletableFuture<String>> puts = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            puts.add(sink.put(Events.test(Events.id()), TOPIC));
        }
        return puts;
    }

    /** A sink of its own on the fake, with these bounds; started (its client built). */
    private static EventBridgeSink sink(int maxConcurrency, int maxPending) {
        EventBridgeSink sink = new EventBridgeSink();
        sink.setEventBusArn(BUS);
        sink.setEndpointOverride(eventBridge.url());
        sink.setDeadlineMs(DEADLINE_MS);
        sink.setMaxConcurrency(maxConcurrency);
        sink.setMaxPending(maxPending);
        sink.start();
        return sink;
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
