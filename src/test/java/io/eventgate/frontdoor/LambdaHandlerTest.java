package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.dev.EmbeddedKafka;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import static io.eventgate.frontdoor.LambdaEvents.JSON;
import static io.eventgate.frontdoor.LambdaEvents.headers;
import static io.eventgate.frontdoor.LambdaEvents.setHeader;
import static io.eventgate.frontdoor.LambdaEvents.v1;
import static io.eventgate.frontdoor.LambdaEvents.v1Publish;
import static io.eventgate.frontdoor.LambdaEvents.v2;
import static io.eventgate.frontdoor.LambdaEvents.v2Publish;
import static io.eventgate.frontdoor.LambdaEvents.withQuery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint of the contract through {@link LambdaHandler}, with REST API (1.0) and HTTP API
 * (2.0) proxy events: the real application, the example {@code conf/}, an in-JVM Kafka broker, and
 * a stand-in for the Lambda API that {@code /terminate} calls to recycle the other instances.
 */
class LambdaHandlerTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final String FUNCTION = "dev-event-gate-lambda";
    private static final Map<String, String> AWS_PROPERTIES = Map.of(
            "aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE",
            "aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws.region", "eu-west-1");

    private static EmbeddedKafka kafka;
    private static LambdaApiStub lambdaApi;
    private static DevTokens tokens;
    private static LambdaHandler handler;

    @BeforeAll
    static void start() throws Exception {
        AWS_PROPERTIES.forEach(System::setProperty);
        kafka = EmbeddedKafka.start();
        kafka.createTopic(TOPIC);
        lambdaApi = LambdaApiStub.start(FUNCTION, Map.of(
                "CONF_DIR", "conf", "LOG_LEVEL", "INFO", LambdaRecycleRoutes.GENERATION_VARIABLE, "0"));
        tokens = DevTokens.create();
        handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", kafka.bootstrapServers(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate." + LambdaRecycleRoutes.ENDPOINT_OVERRIDE_SETTING, lambdaApi.endpoint()),
                FUNCTION, LambdaHandler.INIT_RETRY_INTERVAL);
        assertTrue(handler.app() != null, "EventGate did not start");
    }

    @AfterAll
    static void stop() throws Exception {
        if (handler != null) {
            handler.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (lambdaApi != null) {
            lambdaApi.close();
        }
        AWS_PROPERTIES.keySet().forEach(System::clearProperty);
    }

    private static String token(String subject) {
        return tokens.token(subject, Duration.ofMinutes(5));
    }

    private static Map<String, Object> invoke(Map<String, Object> event) {
        Map<String, Object> response = handler.handleRequest(event, null);
        // Nothing of the request comes back as a response header.
        assertTrue(Set.of("Content-Type", "Location").containsAll(headers(response).keySet()),
                () -> "unexpected response headers " + headers(response));
        return response;
    }

    private static JsonNode json(Map<String, Object> response) throws Exception {
        assertEquals(false, response.get("isBase64Encoded"));
        return JSON.readTree((String) response.get("body"));
    }

    private static void assertError(Map<String, Object> response, int status, String type) throws Exception {
        assertEquals(status, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertEquals("application/json", headers(response).get("Content-Type"));
        JsonNode body = json(response);
        assertFalse(body.path("success").asBoolean(true));
        assertEquals(status, body.path("statusCode").asInt());
        assertEquals(type, body.path("errors").path(0).path("type").asText(), body::toString);
    }

    private static void assertError(Map<String, Object> response, int status, String type, String message) throws Exception {
        assertError(response, status, type);
        assertEquals(message, json(response).path("errors").path(0).path("message").asText());
    }

    private static ConsumerRecord<String, String> record(String eventId) {
        return KafkaRecords.find(kafka.bootstrapServers(), TOPIC, r -> r.value().contains(eventId),
                Duration.ofSeconds(10)).orElseThrow(() -> new AssertionError("event " + eventId + " not in Kafka"));
    }

    // --- documentation endpoints ---

    @Test
    void apiServesTheOpenApiDocumentVerbatim() throws Exception {
        Map<String, Object> response = invoke(v1("GET", "/api"));
        assertEquals(200, response.get("statusCode"));
        assertTrue(headers(response).get("Content-Type").startsWith("application/yaml"));
        assertEquals(Files.readString(Path.of("conf/api.yaml")), response.get("body"));
        assertEquals(false, response.get("isBase64Encoded"));
    }

    @Test
    void docsServesTheSwaggerUiPage() {
        Map<String, Object> response = invoke(v1("GET", "/docs"));
        assertEquals(200, response.get("statusCode"));
        assertTrue(headers(response).get("Content-Type").startsWith("text/html"));
        assertTrue(((String) response.get("body")).contains("SwaggerUIBundle"));
        assertEquals(false, response.get("isBase64Encoded"));
    }

    @Test
    void binaryDocsAssetIsBase64() {
        Map<String, Object> response = invoke(v1("GET", "/docs/favicon-32x32.png"));
        assertEquals(200, response.get("statusCode"));
        assertEquals("image/png", headers(response).get("Content-Type"));
        assertEquals(true, response.get("isBase64Encoded"));
        byte[] png = Base64.getDecoder().decode((String) response.get("body"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }

    @Test
    void textDocsAssetIsPlainOnHttpApi() {
        Map<String, Object> response = invoke(v2("GET", "/docs/swagger-ui.css"));
        assertEquals(200, response.get("statusCode"));
        assertTrue(headers(response).get("Content-Type").startsWith("text/css"));
        assertEquals(false, response.get("isBase64Encoded"));
        assertTrue(((String) response.get("body")).contains(".swagger-ui"));
    }

    @Test
    void tokenRedirectsToTheProvider() {
        Map<String, Object> response = invoke(v1("GET", "/token"));
        assertEquals(303, response.get("statusCode"));
        assertEquals("https://login.example.com/token", headers(response).get("Location"));
    }

    // --- topics ---

    @Test
    void topicsListsTheTopicNames() throws Exception {
        JsonNode body = json(invoke(v1("GET", "/topics")));
        assertTrue(body.isArray());
        assertTrue(body.toString().contains(TOPIC), body::toString);
    }

    @Test
    void httpApiStagePrefixIsStripped() throws Exception {
        Map<String, Object> event = v2("GET", "/prod/topics");
        LambdaEvents.map(event, "requestContext").put("stage", "prod");
        Map<String, Object> response = invoke(event);
        assertEquals(200, response.get("statusCode"));
        assertTrue(json(response).toString().contains(TOPIC));
    }

    @Test
    void topicSchemaIsServedAndTopicNamesAreCaseInsensitive() throws Exception {
        Map<String, Object> response = invoke(v2("GET", "/topics/PUBLIC.CPS.ZA.TEST"));
        assertEquals(200, response.get("statusCode"));
        assertEquals(JSON.readTree(Files.readString(Path.of("conf/topic_schemas/test.json"))), json(response));
    }

    @Test
    void unknownTopicSchemaIs404Topic() throws Exception {
        assertError(invoke(v1("GET", "/topics/public.cps.za.nope")), 404, "topic");
    }

    // --- publish ---

    @Test
    void publishWithBearerTokenIsAcceptedAndReachesKafka() throws Exception {
        String id = Events.id();
        Map<String, Object> response = invoke(v1Publish(TOPIC, token("TestUser"), Events.test(id)));
        assertEquals(202, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertEquals(JSON.readTree("{\"success\":true,\"statusCode\":202}"), json(response));
        ConsumerRecord<String, String> record = record(id);
        assertEquals(id, record.key());
        assertEquals(Events.test(id), record.value());
    }

    @Test
    void publishWithLegacyBearerHeaderIsAccepted() {
        String id = Events.id();
        Map<String, Object> event = v1Publish(TOPIC, null, Events.test(id));
        setHeader(event, "bearer", token("TestUser"));
        assertEquals(202, invoke(event).get("statusCode"));
        record(id);
    }

    @Test
    void base64BodyOnRestApiIsAccepted() {
        String id = Events.id();
        Map<String, Object> event = v1Publish(TOPIC, token("TestUser"), null);
        event.put("body", Base64.getEncoder().encodeToString(Events.test(id).getBytes(StandardCharsets.UTF_8)));
        event.put("isBase64Encoded", true);
        assertEquals(202, invoke(event).get("statusCode"));
        assertEquals(Events.test(id), record(id).value());
    }

    @Test
    void httpApiPublishWithStageAndBase64BodyIsAccepted() {
        String id = Events.id();
        Map<String, Object> response = invoke(v2Publish("Public.Cps.Za.Test", token("testuser"), Events.test(id)));
        assertEquals(202, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertEquals(Events.test(id), record(id).value());
    }

    @Test
    void batchPublishOnRestAndHttpApiAnswersPerEvent() throws Exception {
        String first = Events.id();
        String second = Events.id();
        String batch = "[" + Events.test(first) + ", " + Events.test(second) + "]";
        Map<String, Object> accepted = invoke(v1Publish(TOPIC + "/batch", token("TestUser"), batch));
        assertEquals(202, accepted.get("statusCode"), () -> "body: " + accepted.get("body"));
        assertEquals(JSON.readTree("{\"success\":true,\"statusCode\":202,\"accepted\":2,\"failed\":0}"), json(accepted));
        assertEquals(Events.test(first), record(first).value());
        assertEquals(Events.test(second), record(second).value());

        String valid = Events.id();
        Map<String, Object> mixed = invoke(v2Publish("Public.Cps.Za.Test/batch", token("testuser"),
                "[{\"event_id\": \"x\"}, " + Events.test(valid) + "]"));
        assertEquals(207, mixed.get("statusCode"), () -> "body: " + mixed.get("body"));
        JsonNode results = json(mixed).path("results");
        assertEquals(400, results.path(0).path("statusCode").asInt());
        assertEquals(202, results.path(1).path("statusCode").asInt());
        assertEquals(Events.test(valid), record(valid).value());
    }

    @Test
    void publishWithoutTokenIs401() throws Exception {
        assertError(invoke(v1Publish(TOPIC, null, Events.test(Events.id()))), 401, "auth", "Token is missing");
        assertError(invoke(v2Publish(TOPIC, null, Events.test(Events.id()))), 401, "auth", "Token is missing");
    }

    @Test
    void aTokenInTheQueryStringDoesNotCountOnAPublish() throws Exception {
        String token = token("TestUser");
        for (Map<String, Object> event : java.util.List.of(
                v1Publish(TOPIC, null, Events.test(Events.id())), v2Publish(TOPIC, null, Events.test(Events.id())))) {
            withQuery(event, "bearer", token);
            withQuery(event, "Authorization", "Bearer " + token);
            assertError(invoke(event), 401, "auth", "Token is missing");
        }
    }

    @Test
    void publishByUnlistedUserIs403() throws Exception {
        assertError(invoke(v1Publish(TOPIC, token("FooUser"), Events.test(Events.id()))), 403, "auth");
    }

    @Test
    void publishOfInvalidEventIs400Validation() throws Exception {
        String invalid = "{\"event_id\": \"" + Events.id() + "\", \"tenant_id\": \"DEMO\"}";
        Map<String, Object> response = invoke(v2Publish(TOPIC, token("TestUser"), invalid));
        assertError(response, 400, "validation");
        assertTrue(json(response).path("errors").toString().contains("/source_app"),
                () -> "message should name the failing field: " + response.get("body"));
        assertError(invoke(v1Publish(TOPIC, token("TestUser"), "not json")), 400, "validation");
    }

    // --- health, unknown routes ---

    @Test
    void healthReportsKafka() throws Exception {
        Map<String, Object> response = invoke(v1("GET", "/health"));
        assertEquals(200, response.get("statusCode"), () -> "body: " + response.get("body"));
        JsonNode body = json(response);
        assertEquals("ok", body.path("status").asText());
        assertEquals("ok", body.path("dependencies").path("kafka").asText());
        assertTrue(body.path("uptime_seconds").canConvertToLong());
    }

    @Test
    void unknownRoutesAre404Route() throws Exception {
        assertError(invoke(LambdaEvents.fixture("v1-proxy-not-found.json")), 404, "route");
        assertError(invoke(v2("DELETE", "/topics")), 404, "route");
    }

    // --- terminate ---

    @Test
    void terminateByAdminReloadsAndRecyclesTheOtherInstances() throws Exception {
        int before = lambdaApi.updates().size();
        long generation = Long.parseLong(lambdaApi.variables().get(LambdaRecycleRoutes.GENERATION_VARIABLE));

        Map<String, Object> event = v1("POST", "/terminate");
        setHeader(event, "Authorization", "Bearer " + token("EventGateAdmin"));
        Map<String, Object> response = invoke(event);

        assertEquals(200, response.get("statusCode"), () -> "body: " + response.get("body"));
        assertTrue(json(response).path("success").asBoolean());
        assertEquals(before + 1, lambdaApi.updates().size());
        JsonNode variables = lambdaApi.updates().get(before).path("Environment").path("Variables");
        assertEquals(String.valueOf(generation + 1), variables.path(LambdaRecycleRoutes.GENERATION_VARIABLE).asText());
        assertEquals("conf", variables.path("CONF_DIR").asText());
        assertEquals("INFO", variables.path("LOG_LEVEL").asText());
        assertEquals(3, variables.size(), variables::toString);
        // Nothing else of the function's configuration is touched.
        assertEquals(Set.of("Environment"), Set.copyOf(iterable(lambdaApi.updates().get(before).fieldNames())));
    }

    @Test
    void terminateByNonAdminIs403AndRecyclesNothing() throws Exception {
        int before = lambdaApi.updates().size();
        Map<String, Object> event = v2("POST", "/terminate");
        setHeader(event, "authorization", "Bearer " + token("TestUser"));
        assertError(invoke(event), 403, "auth");
        assertError(invoke(v1("POST", "/terminate")), 401, "auth");
        assertEquals(before, lambdaApi.updates().size());
    }

    @Test
    void anAdminTokenInTheQueryStringDoesNotCountOnTerminate() throws Exception {
        int before = lambdaApi.updates().size();
        String admin = token("EventGateAdmin");
        for (Map<String, Object> event : java.util.List.of(v1("POST", "/terminate"), v2("POST", "/terminate"))) {
            withQuery(event, "bearer", admin);
            withQuery(event, "Authorization", "Bearer " + admin);
            assertError(invoke(event), 401, "auth", "Token is missing");
        }
        assertEquals(before, lambdaApi.updates().size(), "nothing reloaded or recycled");
    }

    @Test
    void failedRecycleIsReportedAs500() throws Exception {
        lambdaApi.denyUpdates(true);
        try {
            Map<String, Object> event = v1("POST", "/terminate");
            setHeader(event, "Authorization", "Bearer " + token("EventGateAdmin"));
            Map<String, Object> response = invoke(event);
            assertError(response, 500, "internal");
            String message = json(response).path("errors").path(0).path("message").asText();
            assertTrue(message.contains("not recycled") && message.contains("UpdateFunctionConfiguration"), message);
        } finally {
            lambdaApi.denyUpdates(false);
        }
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> names) {
        java.util.List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
