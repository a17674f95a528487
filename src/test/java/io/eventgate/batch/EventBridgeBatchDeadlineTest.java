package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.FakeEventBridge;
import io.eventgate.testsupport.FakeEventBridge.Behaviour;
import io.eventgate.testsupport.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EventBridge sink's deadline counts from the fan-out, for a batch and for single events. A batch's PutEvents calls run one after the other and share the EventBridge sink's deadline. With
 * an EventBridge that takes {@value FakeEventBridge#SLOW_MS} ms per call and a deadline that holds
 * about two of them, the share still answers in time: the chunks EventBridge accepted are 202 in the
 * results (and so recorded as acknowledged), the others 500 {@code eventbridge}; the client's retry of
 * the same batch sends EventBridge only the events it did not acknowledge. And no call starts once the
 * deadline has passed (found in the review of the batch merge: the calls went on, so that events
 * answered as failed were put on the bus all the same, and one slow batch held a thread of the sink's
 * pool for as many call timeouts as it had calls).
 */
class EventBridgeBatchDeadlineTest {

    private static final String TEST = "public.cps.za.test";
    private static final int EVENTS = 50; // five calls of ten

    private static FakeEventBridge eventBridge;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        eventBridge = FakeEventBridge.start();
        gateway = eventBridgeOnly(Map.of());
        // Warm up (the AWS client's first call, the token check) so that the first timed call is
        // EventBridge's own 500 ms, not also the cold path's: the deadline holds about two calls only.
        HttpResponse<String> warm = gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"),
                "[" + Events.test(Events.id()) + "]");
        assertEquals(202, warm.statusCode(), warm.body());
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (eventBridge != null) {
            eventBridge.close();
        }
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void aSlowEventBridgeFailsOnlyTheCallsPastTheDeadlineAndTheRetrySendsOnlyThose() {
        List<String> ids = IntStream.range(0, EVENTS).mapToObj(i -> Events.id()).toList();
        String batch = "[" + String.join(",", ids.stream().map(Events::test).toList()) + "]";

        eventBridge.behave(Behaviour.SLOW);
        HttpResponse<String> first = gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), batch);

        assertEquals(207, first.statusCode(), first.body());
        List<String> acknowledged = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        JsonNode results = json(first.body()).get("results");
        for (JsonNode result : results) {
            String id = ids.get(result.get("index").asInt());
            if (result.get("statusCode").asInt() == 202) {
                acknowledged.add(id);
            } else {
                assertEquals(500, result.get("statusCode").asInt(), result::toString);
                assertEquals("eventbridge", result.get("errors").get(0).get("type").asText(), result::toString);
                failed.add(id);
            }
        }
        assertEquals(EVENTS, acknowledged.size() + failed.size());
        assertFalse(acknowledged.isEmpty(), "the calls within the deadline count: " + first.body());
        assertFalse(failed.isEmpty(), "the calls past the deadline fail: " + first.body());
        assertTrue(first.body().contains("the sink's deadline of 1600 ms passed"),
                "the calls not started say why: " + first.body());

        eventBridge.behave(Behaviour.ACCEPT);
        HttpResponse<String> retry = gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), batch);

        assertEquals(202, retry.statusCode(), retry.body());
        List<String> details = eventBridge.acceptedDetails();
        for (String id : acknowledged) {
            assertEquals(1, Collections.frequency(details.stream().map(d -> json(d).get("event_id").asText()).toList(), id),
                    "acknowledged in the first call, so not sent again: " + id);
        }
        for (String id : failed) {
            assertTrue(details.stream().anyMatch(d -> d.contains(id)), "sent again on the retry: " + id);
        }
    }

    @Test
    void noCallStartsAfterTheDeadline() throws Exception {
        eventBridge.behave(Behaviour.SLOW); // 500 ms a call: 4 calls take 2 s, past the deadline
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> Events.id()).toList();
        String body = "[" + String.join(",", ids.stream().map(Events::test).toList()) + "]";
        int callsBefore = eventBridge.requests().size();

        HttpResponse<String> response = gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), body);

        assertEquals(207, response.statusCode(), response.body());
        List<String> answeredAccepted = new ArrayList<>();
        for (JsonNode result : json(response.body()).get("results")) {
            if (result.get("success").asBoolean()) {
                answeredAccepted.add(ids.get(result.get("index").asInt()));
            }
        }
        int made = settledCalls() - callsBefore;
        List<String> onTheBus = ids.stream().filter(id -> eventBridge.acceptedDetails().stream().anyMatch(d -> d.contains(id))).toList();
        assertTrue(made < 4, "no call starts after the deadline: " + made + " calls");
        assertTrue(onTheBus.size() < ids.size(), "the events of calls never made are not on the bus: " + onTheBus.size());
        assertTrue(onTheBus.containsAll(answeredAccepted), "every event answered as accepted is on the bus");
        // (a call that timed out may have been stored all the same: answered failed, retried, at least once)
        eventBridge.behave(Behaviour.ACCEPT);
    }

    /**
     * The deadline counts from the fan-out, not from when the sink's thread takes the batch: with one
     * thread and calls of 500 ms, three batches of three calls each cannot all be sent within the
     * deadline of 1600 ms, and a batch that waited for another gets only what is left of its own.
     * What the client sees: no PutEvents call with a batch's events reaches the bus after the gateway
     * answered for that batch (before, the batch that waited made its calls after its 207, so that its
     * events landed on the bus while its client was told they had failed).
     */
    @Test
    void aBatchThatWaitedForTheSinksThreadMakesNoCallAfterItsAnswer() throws Exception {
        eventBridge.behave(Behaviour.SLOW);
        try (RunningGateway oneThread = oneThreadGateway()) {
            List<List<String>> batches = IntStream.range(0, 3)
                    .mapToObj(n -> IntStream.range(0, 30).mapToObj(i -> Events.id()).toList()).toList();
            List<CompletableFuture<Answered>> answers = batches.stream()
                    .map(ids -> CompletableFuture.supplyAsync(() -> Answered.of(oneThread.post("/topics/" + TEST + "/batch",
                            oneThread.token("TestUser"), "[" + String.join(",", ids.stream().map(Events::test).toList()) + "]"))))
                    .toList();
            Map<String, Long> answeredAt = new HashMap<>();
            List<String> bodies = new ArrayList<>();
            for (int n = 0; n < batches.size(); n++) {
                Answered answer = answers.get(n).get();
                assertEquals(207, answer.response().statusCode(), answer.response().body());
                bodies.add(answer.response().body());
                for (String id : batches.get(n)) {
                    answeredAt.put(id, answer.atNanos());
                }
            }

            assertNoCallAfterItsAnswer(answeredAt);
            assertTrue(bodies.stream().anyMatch(body -> body.contains("Not sent to EventBridge")),
                    "the calls that no longer fit are not made, and their events say so: " + bodies);
        } finally {
            eventBridge.behave(Behaviour.ACCEPT);
        }
    }

    /**
     * The same for single events: with one thread and calls of 500 ms, eight events at once cannot all
     * be sent within the deadline of 1600 ms. A call gets only what is left of its event's deadline, and
     * an event that waited too long is not sent at all (before, each call got the whole deadline from
     * when its thread took it, so that the last events landed on the bus after their 500).
     */
    @Test
    void singleEventsThatWaitedForTheSinksThreadAreNotSentAfterTheirAnswer() throws Exception {
        eventBridge.behave(Behaviour.SLOW);
        try (RunningGateway oneThread = oneThreadGateway()) {
            List<String> ids = IntStream.range(0, 8).mapToObj(i -> Events.id()).toList();
            List<CompletableFuture<Answered>> answers = ids.stream()
                    .map(id -> CompletableFuture.supplyAsync(() -> Answered.of(oneThread.post("/topics/" + TEST,
                            oneThread.token("TestUser"), Events.test(id)))))
                    .toList();
            Map<String, Long> answeredAt = new HashMap<>();
            List<String> bodies = new ArrayList<>();
            for (int n = 0; n < ids.size(); n++) {
                Answered answer = answers.get(n).get();
                bodies.add(answer.response().body());
                answeredAt.put(ids.get(n), answer.atNanos());
            }

            assertNoCallAfterItsAnswer(answeredAt);
            assertTrue(bodies.stream().anyMatch(body -> body.contains("passed while the event waited for the sink")),
                    "an event that waited too long is not sent, and says why: " + bodies);
        } finally {
            eventBridge.behave(Behaviour.ACCEPT);
        }
    }

    /** A client's answer and when it had it ({@link System#nanoTime()}). */
    private record Answered(HttpResponse<String> response, long atNanos) {
        static Answered of(HttpResponse<String> response) {
            return new Answered(response, System.nanoTime());
        }
    }

    /** Every PutEvents call with one of these events reached the bus before its client had the answer. */
    private static void assertNoCallAfterItsAnswer(Map<String, Long> answeredAt) throws InterruptedException {
        settledCalls();
        int calls = 0;
        for (FakeEventBridge.Request call : eventBridge.requests()) {
            for (JsonNode entry : call.body().path("Entries")) {
                Long answered = answeredAt.get(json(entry.path("Detail").asText()).path("event_id").asText());
                if (answered != null) {
                    calls++;
                    assertTrue(call.receivedNanos() < answered, "a call reached the bus "
                            + (call.receivedNanos() - answered) / 1_000_000 + " ms after its client's answer");
                }
            }
        }
        assertTrue(calls > 0, "some events were sent");
    }

    /** A gateway whose EventBridge sink has one thread, and the deadline of 1600 ms. */
    private static RunningGateway oneThreadGateway() {
        RunningGateway gateway = eventBridgeOnly(Map.of("eventgate.eventbridge.max_concurrency", "1"));
        // Warmed up (a single event and a batch, one call each, within the deadline even when slow), so
        // that the requests the tests send at once fan out together: one that fans out 100 ms or more
        // after the first has that much left when the thread is free, and makes a call. Cold, the first
        // requests of a gateway on a busy machine can be that far apart.
        String token = gateway.token("TestUser");
        assertEquals(202, gateway.post("/topics/" + TEST, token, Events.test(Events.id())).statusCode());
        assertEquals(202, gateway.post("/topics/" + TEST + "/batch", token, "[" + Events.test(Events.id()) + "]").statusCode());
        return gateway;
    }

    /** A gateway whose only sink is EventBridge (the fake), one attempt per call, a deadline of 1600 ms, and {@code more}. */
    private static RunningGateway eventBridgeOnly(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(more);
        settings.put("eventgate.kafka_bootstrap_server", "");
        settings.put("eventgate.event_bus_arn", "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-test");
        settings.put("eventgate.eventbridge.endpoint_override", eventBridge.url());
        settings.put("eventgate.eventbridge.max_attempts", "1");
        settings.put("eventgate.sinks.eventbridge.timeout_ms", "1600");
        return RunningGateway.start(settings);
    }

    /** The number of calls the bus has had, once a call still running can add no more. */
    private static int settledCalls() throws InterruptedException {
        int calls = -1;
        long until = System.nanoTime() + 4_000_000_000L;
        while (System.nanoTime() < until) {
            Thread.sleep(FakeEventBridge.SLOW_MS + 200);
            int now = eventBridge.requests().size();
            if (now == calls) {
                break;
            }
            calls = now;
        }
        return eventBridge.requests().size();
    }
}
