package io.eventgate.review;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.FakeEventBridge;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EventBridge sink's batch route puts a batch in calls of 10 entries, one after the other. Found in
 * the review of the batch merge: it went on calling past the sink's deadline, so that events answered
 * as failed ("no acknowledgement") were put on the bus all the same, and one slow batch held a thread
 * of the sink's pool for as many call timeouts as it had calls.
 */
class EventBridgeBatchDeadlineTest {

    private static final long DEADLINE_MS = 1200;

    private static FakeEventBridge eventBridge;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        System.setProperty("aws.accessKeyId", "AKIDEXAMPLE");
        System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        eventBridge = FakeEventBridge.start();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers());
        settings.put("eventgate.event_bus_arn", "arn:aws:events:eu-west-1:123456789012:event-bus/eventgate-test");
        settings.put("eventgate.eventbridge.endpoint_override", eventBridge.url());
        settings.put("eventgate.eventbridge.max_attempts", "1");
        settings.put("eventgate.sinks.eventbridge.timeout_ms", String.valueOf(DEADLINE_MS));
        gateway = RunningGateway.start(settings);
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
    void noCallStartsAfterTheDeadline() throws Exception {
        eventBridge.behave(FakeEventBridge.Behaviour.SLOW); // 500 ms a call: 4 calls take 2 s, past the deadline
        List<String> ids = IntStream.range(0, 40).mapToObj(i -> Events.id()).toList();
        String body = "[" + String.join(",", ids.stream().map(Events::test).toList()) + "]";

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test/batch", gateway.token("TestUser"), body);

        assertEquals(207, response.statusCode(), response.body());
        List<String> answeredAccepted = new ArrayList<>();
        for (JsonNode result : json(response.body()).get("results")) {
            if (result.get("success").asBoolean()) {
                answeredAccepted.add(ids.get(result.get("index").asInt()));
            }
        }
        // whatever a call still running may add, wait until the bus stops changing
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
        List<String> onTheBus = ids.stream().filter(id -> eventBridge.acceptedDetails().stream().anyMatch(d -> d.contains(id))).toList();
        assertTrue(eventBridge.requests().size() < 4, "no call starts after the deadline: " + eventBridge.requests().size() + " calls");
        assertTrue(onTheBus.size() < ids.size(), "the events of calls never made are not on the bus: " + onTheBus.size());
        assertTrue(onTheBus.containsAll(answeredAccepted), "every event answered as accepted is on the bus");
        // (a call that timed out may have been stored all the same: answered failed, retried, at least once)
        eventBridge.behave(FakeEventBridge.Behaviour.ACCEPT);
    }
}
