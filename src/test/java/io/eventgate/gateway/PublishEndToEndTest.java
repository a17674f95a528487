package io.eventgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** POST /topics/{topic} over real HTTP, with a real broker: what lands, and every refusal. */
class PublishEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String bootstrap;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        bootstrap = SharedKafka.bootstrapServers();
        gateway = RunningGateway.start(Map.of("eventgate.kafka_bootstrap_server", bootstrap));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void acceptedEventLandsInKafkaWithTopicKeyAndValue() {
        String id = Events.id();
        String body = Events.test(id);

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertEquals(202, response.statusCode(), response.body());
        assertJson("{\"success\": true, \"statusCode\": 202}", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        ConsumerRecord<String, String> record = landed("public.cps.za.test", id);
        assertEquals("public.cps.za.test", record.topic());
        assertEquals(id, record.key(), "topic_keys.json names event_id as the key of the test topic");
        assertEquals(body, record.value(), "the value is the body exactly as sent");
    }

    @Test
    void topicWithoutKeyFieldIsPublishedWithoutKey() {
        String id = Events.id();
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.dlchange", gateway.token("FooUser"), Events.dlchange(id));

        assertEquals(202, response.statusCode(), response.body());
        assertNull(landed("public.cps.za.dlchange", id).key());
    }

    @Test
    void topicNameIsCaseInsensitiveAndLegacyBearerHeaderWorks() {
        String id = Events.id();
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/PUBLIC.CPS.ZA.Test"))
                .header("bearer", gateway.token("testuser"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.test(id))).build());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals("public.cps.za.test", landed("public.cps.za.test", id).topic());
    }

    @Test
    void authorizationSchemeWordMayBeInAnyCase() {
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/public.cps.za.test"))
                .header("AUTHORIZATION", "bEaReR " + gateway.token("TestUser"))
                .POST(HttpRequest.BodyPublishers.ofString(Events.test(Events.id()))).build());

        assertEquals(202, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Authorization").isEmpty(), "request headers are never echoed");
    }

    @Test
    void fieldConstraintsAllowMatchingEvent() {
        String id = Events.id();
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("RestrictedTestUser"),
                Events.runs(id, "restricted-app", "dev", "avms"));

        assertEquals(202, response.statusCode(), response.body());
        landed("public.cps.za.runs", id);
    }

    @Test
    void fieldConstraintMismatchIs403Permission() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("RestrictedTestUser"),
                Events.runs(Events.id(), "restricted-app", "prod", "avms"));

        assertError(response, 403, "permission", "environment");
    }

    @Test
    void fieldConstraintsAreFullMatches() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("RestrictedTestUser"),
                Events.runs(Events.id(), "restricted-app-2", "dev", "avms"));

        assertError(response, 403, "permission", "source_app");
    }

    @Test
    void missingConstrainedFieldIs403Permission() throws Exception {
        JsonNode event = JSON.readTree(Events.runs(Events.id(), "restricted-app", "dev", "avms"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) event).remove("tenant_id");

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("RestrictedTestUser"),
                event.toString());

        assertError(response, 403, "permission", "tenant_id");
    }

    @Test
    void unconstrainedUserOfSameTopicMayWriteAnything() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("FooBarUser"),
                Events.runs(Events.id(), "any-app", "prod", "xyz"));

        assertEquals(202, response.statusCode(), response.body());
    }

    @Test
    void userNotListedForTopicIs403Auth() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.dlchange", gateway.token("TestUser"),
                Events.dlchange(Events.id()));

        assertError(response, 403, "auth", "not authorized");
    }

    @Test
    void unknownTopicIs404Topic() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.nope", gateway.token("TestUser"), "{}");

        assertError(response, 404, "topic", "public.cps.za.nope");
    }

    @Test
    void tokenIsCheckedBeforeTopic() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.nope", null, "{}");

        assertError(response, 401, "auth", "Token is missing");
    }

    @Test
    void schemaViolationIs400WithJsonPointer() {
        String body = Events.test(Events.id()).replace("\"timestamp\": 1732000000000", "\"timestamp\": \"yesterday\"");

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertError(response, 400, "validation", "/timestamp");
    }

    @Test
    void missingRequiredFieldNamesItsLocation() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                "{\"event_id\": \"1\", \"tenant_id\": \"T\", \"source_app\": \"a\", \"environment\": \"dev\"}");

        assertError(response, 400, "validation", "/timestamp");
    }

    @Test
    void nestedViolationNamesTheNestedLocation() {
        String body = Events.runs(Events.id(), "app", "dev", "t").replace("\"status\": \"failed\"", "\"status\": \"exploded\"");

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.runs", gateway.token("FooBarUser"), body);

        assertError(response, 400, "validation", "/jobs/1/status");
    }

    @Test
    void bodyThatIsNotJsonIs400() {
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), "{not json"), 400, "validation", "JSON");
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), "{\"a\": 1} trailing"),
                400, "validation", "JSON");
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), ""), 400, "validation", "empty");
    }

    @Test
    void bodyOverJacksonsLimitsIs400() {
        String deep = "{\"a\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), deep), 400, "validation", "JSON");
        String longNumber = Events.test(Events.id()).replace("1732000000000", "9".repeat(2000));
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), longNumber),
                400, "validation", "JSON");
    }

    @Test
    void bodyThatIsNotAnObjectIs400() {
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), "[1, 2]"),
                400, "validation", "JSON object");
        assertError(gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), "\"text\""),
                400, "validation", "JSON object");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String padding = "x".repeat(1024 * 1024);
        String body = Events.test(Events.id()).replace("\"hello\"", "\"" + padding + "\"");

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertError(response, 413, "validation", "limit");
    }

    @Test
    void bodyOfExactlyMaxBodyBytesIsAcceptedByEverySink() {
        // The Kafka record is the body, its key and the record's overhead: it must fit the producer's
        // max.request.size and the broker's limit, so a body at the limit is not refused by Kafka (500).
        String id = Events.id();
        String event = Events.test(id);
        String body = event.replace("\"hello\"", "\"" + "x".repeat(1024 * 1024 - event.length() + "hello".length()) + "\"");
        assertEquals(1024 * 1024, body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(body, landed("public.cps.za.test", id).value());
    }

    @Test
    void jsonSentAsFormEncodedIsTakenAsIs() {
        // curl -d without -H 'Content-Type: application/json' sends this Content-Type; API Gateway
        // passes such a body on unchanged, and so does the HTTP server. 10 KiB: past Vert.x's form field cap.
        String id = Events.id();
        String body = Events.test(id).replace("\"hello\"", "\"" + "y".repeat(10 * 1024) + "\"");

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body,
                "application/x-www-form-urlencoded");

        assertEquals(202, response.statusCode(), response.body());
        assertEquals(body, landed("public.cps.za.test", id).value());
    }

    @Test
    void formEncodedBodyOverTheLimitIs413WithTheContractBody() {
        String body = "a=" + "x".repeat(2 * 1024 * 1024);

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body,
                "application/x-www-form-urlencoded");

        assertError(response, 413, "validation", "limit");
    }

    @Test
    void clientThatExpects100ContinueGetsIt() {
        // Without the interim 100 Continue this client never sends the body: the request times out.
        String id = Events.id();
        HttpResponse<String> response = gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/public.cps.za.test"))
                .expectContinue(true)
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + gateway.token("TestUser"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Events.test(id))).build());

        assertEquals(202, response.statusCode(), response.body());
        assertEquals("public.cps.za.test", landed("public.cps.za.test", id).topic());
    }

    @Test
    void bodyOverTheLimitWithoutTokenIs401() {
        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", null,
                "{\"a\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}");

        assertError(response, 401, "auth", "Token is missing");
    }

    private static ConsumerRecord<String, String> landed(String topic, String eventId) {
        return KafkaRecords.find(bootstrap, topic, r -> r.value().contains(eventId), Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("event " + eventId + " not found in " + topic));
    }
}
