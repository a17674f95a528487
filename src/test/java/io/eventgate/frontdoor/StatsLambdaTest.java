package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.eventgate.frontdoor.LambdaEvents.JSON;
import static io.eventgate.frontdoor.LambdaEvents.headers;
import static io.eventgate.frontdoor.LambdaEvents.map;
import static io.eventgate.frontdoor.LambdaEvents.v1Publish;
import static io.eventgate.frontdoor.LambdaEvents.v2Publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /stats/{topic}} through the Lambda front door, as REST API (1.0) and HTTP API (2.0,
 * base64 body) proxy events: a run published through the handler, then read back through it, from
 * an embedded Postgres that EventGate migrates itself.
 */
class StatsLambdaTest {

    private static final String RUNS = "public.cps.za.runs";

    private static EmbeddedPostgres postgres;
    private static DevTokens tokens;
    private static LambdaHandler handler;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        tokens = DevTokens.create();
        handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate.postgres.host", "localhost",
                "eventgate.postgres.port", String.valueOf(postgres.getPort()),
                "eventgate.postgres.database", "postgres",
                "eventgate.postgres.user", "postgres",
                "eventgate.postgres.migrate", "true"),
                "fn", LambdaHandler.INIT_RETRY_INTERVAL);
        assertTrue(handler.app() != null, "EventGate did not start");
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.stop();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String token(String subject) {
        return tokens.token(subject, Duration.ofMinutes(5));
    }

    /** A 1.0 event for POST /stats/{topic} on the DEV stage. */
    private static Map<String, Object> v1Stats(String topic, String token, String body) {
        Map<String, Object> event = v1Publish(topic, token, body);
        event.put("resource", "/stats/{topic_name}");
        event.put("path", "/stats/" + topic);
        map(event, "requestContext").put("resourcePath", "/stats/{topic_name}");
        map(event, "requestContext").put("path", "/DEV/stats/" + topic);
        return event;
    }

    /** A 2.0 event for POST /stats/{topic} on the dev stage, the body base64. */
    private static Map<String, Object> v2Stats(String topic, String token, String body) {
        Map<String, Object> event = v2Publish(topic, token, body);
        event.put("routeKey", "POST /stats/{topic_name}");
        event.put("rawPath", "/dev/stats/" + topic);
        map(map(event, "requestContext"), "http").put("path", "/dev/stats/" + topic);
        return event;
    }

    private static JsonNode answer(Map<String, Object> response, int status) throws Exception {
        assertEquals(status, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertEquals("application/json", headers(response).get("Content-Type"));
        assertEquals(Map.of("Content-Type", "application/json"), headers(response), "no header of the query leaks out");
        return JSON.readTree((String) response.get("body"));
    }

    @Test
    void aRunPublishedThroughLambdaIsReadBackThroughBothPayloadFormats() throws Exception {
        String eventId = Events.id();
        String run = """
                {"event_id": "%s", "job_ref": "glue-1", "tenant_id": "ABCD", "source_app": "glue",
                 "source_app_version": "3", "environment": "uat", "timestamp_start": 978307200000,
                 "timestamp_end": 978307260000,
                 "jobs": [{"catalog_id": "db.x", "status": "failed", "message": "No data",
                           "timestamp_start": 978307200000, "timestamp_end": 978307230000},
                          {"catalog_id": "db.y", "status": "succeeded",
                           "timestamp_start": 978307230000, "timestamp_end": 978307260000}]}""".formatted(eventId);
        answer(handler.handleRequest(v1Publish(RUNS, token("IntegrationTestUser"), run), null), 202);

        String query = "{\"timestamp_start\": 978307200000, \"timestamp_end\": 978307200000, \"limit\": 1}";
        for (Map<String, Object> event : List.of(v1Stats(RUNS, token("FooBarUser"), query),
                v2Stats(RUNS, token("FooBarUser"), query))) {
            JsonNode first = answer(handler.handleRequest(event, null), 200);
            assertEquals(1, first.get("data").size(), first.toString());
            JsonNode row = first.get("data").get(0);
            assertEquals(eventId, row.get("event_id").asText());
            assertEquals("db.y", row.get("catalog_id").asText());
            assertEquals("succeeded", row.get("run_status").asText());
            assertEquals("abcd", row.get("formatted_tenant").asText());
            assertEquals("01-01-2001", row.get("run_date").asText());
            assertEquals("2001-01-01 00:00:30", row.get("start_time").asText());
            assertEquals(30000, row.get("elapsed_time").asLong());
            assertTrue(first.get("pagination").get("has_more").asBoolean());

            String next = "{\"timestamp_start\": 978307200000, \"timestamp_end\": 978307200000, \"limit\": 1, \"cursor\": "
                    + first.get("pagination").get("cursor") + "}";
            Map<String, Object> nextEvent = event.containsKey("rawPath") ? v2Stats(RUNS, token("FooBarUser"), next)
                    : v1Stats(RUNS, token("FooBarUser"), next);
            JsonNode second = answer(handler.handleRequest(nextEvent, null), 200);
            List<String> statuses = new ArrayList<>();
            second.get("data").forEach(r -> statuses.add(r.get("run_status").asText()));
            assertEquals(List.of("no data received"), statuses);
            assertEquals(JSON.readTree("{\"cursor\": null, \"has_more\": false, \"limit\": 1}"), second.get("pagination"));
        }
    }

    @Test
    void refusalsHaveTheContractsBody() throws Exception {
        JsonNode missing = answer(handler.handleRequest(v1Stats(RUNS, null, "{}"), null), 401);
        assertEquals("Token is missing", missing.at("/errors/0/message").asText());
        JsonNode forbidden = answer(handler.handleRequest(v2Stats(RUNS, token("TestUser"), "{}"), null), 403);
        assertEquals("auth", forbidden.at("/errors/0/type").asText());
        JsonNode invalid = answer(handler.handleRequest(v1Stats(RUNS, token("FooBarUser"), "{\"cursor\": false}"), null), 400);
        assertEquals("Field 'cursor' must be an integer (internal_id).", invalid.at("/errors/0/message").asText());
        JsonNode unknown = answer(handler.handleRequest(v2Stats("public.cps.za.nope", token("FooBarUser"), "{}"), null), 404);
        assertEquals("topic", unknown.at("/errors/0/type").asText());
        JsonNode badPath = answer(handler.handleRequest(v1Stats("public.cps.za.%ZZ", token("FooBarUser"), "{}"), null), 400);
        assertEquals("Request path is not valid URL encoding", badPath.at("/errors/0/message").asText());
        // API Gateway sends no body as null: the defaults
        Map<String, Object> noBody = v1Stats(RUNS, token("FooBarUser"), "{}");
        noBody.put("body", null);
        answer(handler.handleRequest(noBody, null), 200);
    }
}
