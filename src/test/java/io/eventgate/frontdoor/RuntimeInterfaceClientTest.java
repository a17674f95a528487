package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.eventgate.frontdoor.LambdaEvents.JSON;
import static io.eventgate.frontdoor.LambdaEvents.v1Publish;
import static io.eventgate.frontdoor.LambdaEvents.v2;
import static io.eventgate.frontdoor.LambdaEvents.v2Publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image's start path: a separate JVM runs AWS's runtime interface client
 * ({@code AWSLambda}, the entry point's main class) with the handler string, against a
 * {@link LocalRuntimeApi} standing in for Lambda. REST API and HTTP API events go in as JSON, as
 * Lambda sends them, and the proxy responses come back; the published events land in Kafka.
 */
class RuntimeInterfaceClientTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final String RIC = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private static LocalRuntimeApi runtime;
    private static Process function;
    private static DevTokens tokens;
    private static String bootstrap;
    private static Path log;

    @BeforeAll
    static void start() throws Exception {
        bootstrap = SharedKafka.bootstrapServers();
        tokens = DevTokens.create();
        runtime = LocalRuntimeApi.start(0);
        log = Files.createTempFile("eventgate-ric", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Deventgate.kafka_bootstrap_server=" + bootstrap,
                "-Deventgate.token_public_keys_url=" + tokens.keysUrl(),
                "-Deventgate.token_public_key_url=",
                "-cp", System.getProperty("java.class.path"),
                RIC, LambdaHandler.class.getName() + "::handleRequest")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("AWS_LAMBDA_RUNTIME_API", runtime.address());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "eventgate-test");
        builder.environment().put("CONF_DIR", "conf");
        builder.environment().put("LOG_LEVEL", "WARN");
        function = builder.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (function != null) {
            function.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /** Sends the event through the runtime client and returns the proxy response it posts back. */
    private static JsonNode invoke(Map<String, Object> event) throws Exception {
        try {
            String answer = runtime.submit(JSON.writeValueAsString(event)).get(60, TimeUnit.SECONDS);
            return JSON.readTree(answer);
        } catch (Exception e) {
            throw new AssertionError("no answer from the runtime client; its log:\n" + Files.readString(log), e);
        }
    }

    private static String token() {
        return tokens.token("TestUser", Duration.ofMinutes(5));
    }

    @Test
    void restApiPublishIsAcceptedAndLandsInKafka() throws Exception {
        String eventId = Events.id();
        String body = Events.test(eventId);
        JsonNode response = invoke(v1Publish(TOPIC, token(), body));
        assertEquals(202, response.path("statusCode").asInt(), response::toString);
        assertEquals(JSON.readTree("{\"success\":true,\"statusCode\":202}"), JSON.readTree(response.path("body").asText()));
        assertEquals(body, record(eventId));
    }

    @Test
    void httpApiPublishIsAcceptedAndLandsInKafka() throws Exception {
        String eventId = Events.id();
        String body = Events.test(eventId);
        JsonNode response = invoke(v2Publish(TOPIC, token(), body));
        assertEquals(202, response.path("statusCode").asInt(), response::toString);
        assertEquals(body, record(eventId));
    }

    @Test
    void httpApiTopicListAndRestApiUnauthorisedAnswerAsTheContractSays() throws Exception {
        JsonNode topics = invoke(v2("GET", "/topics"));
        assertEquals(200, topics.path("statusCode").asInt(), topics::toString);
        List<String> names = List.of(JSON.readValue(topics.path("body").asText(), String[].class));
        assertTrue(names.contains(TOPIC), names::toString);

        JsonNode unauthorised = invoke(v1Publish(TOPIC, null, Events.test(Events.id())));
        assertEquals(401, unauthorised.path("statusCode").asInt(), unauthorised::toString);
        JsonNode error = JSON.readTree(unauthorised.path("body").asText());
        assertEquals("auth", error.path("errors").path(0).path("type").asText(), error::toString);
    }

    private static String record(String eventId) {
        return KafkaRecords.find(bootstrap, TOPIC, r -> r.value().contains(eventId), Duration.ofSeconds(10))
                .orElseThrow(() -> new AssertionError("event " + eventId + " not in Kafka")).value();
    }
}
