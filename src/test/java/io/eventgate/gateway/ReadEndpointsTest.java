package io.eventgate.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoints that need no token: catalogue, schemas, OpenAPI, Swagger UI, token redirect, health, 404s. */
class ReadEndpointsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static RunningGateway gateway;

    @BeforeAll
    static void start() {
        gateway = RunningGateway.start(Map.of("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void topicsListsEveryTopicName() throws Exception {
        HttpResponse<String> response = gateway.get("/topics");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals(JSON.readTree("[\"public.cps.za.dlchange\", \"public.cps.za.runs\", "
                + "\"public.cps.za.status_change\", \"public.cps.za.test\"]"), JSON.readTree(response.body()));
    }

    @Test
    void topicSchemaIsTheSchemaFile() throws Exception {
        HttpResponse<String> response = gateway.get("/topics/Public.Cps.Za.Runs");

        assertEquals(200, response.statusCode());
        assertEquals(JSON.readTree(Files.readString(Path.of("conf/topic_schemas/runs.json"))), JSON.readTree(response.body()));
    }

    @Test
    void unknownTopicSchemaIs404Topic() {
        assertError(gateway.get("/topics/public.cps.za.unknown"), 404, "topic", "public.cps.za.unknown");
    }

    @Test
    void apiServesTheOpenApiDocumentVerbatim() throws Exception {
        HttpResponse<String> response = gateway.get("/api");

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").contains("yaml"));
        assertEquals(Files.readString(Path.of("conf/api.yaml")), response.body());
    }

    @Test
    void docsServesSwaggerUiFromTheWebjar() {
        HttpResponse<String> page = gateway.get("/docs");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("SwaggerUIBundle") && page.body().contains("url: \"api\""), page.body());
        assertTrue(!page.body().contains("http://") && !page.body().contains("https://"), "no CDN: works offline");

        HttpResponse<String> bundle = gateway.get("/docs/swagger-ui-bundle.js");
        assertEquals(200, bundle.statusCode());
        assertTrue(bundle.body().length() > 100_000, "the real bundle is served");
        assertEquals(200, gateway.get("/docs/swagger-ui.css").statusCode());
        assertEquals(200, gateway.get("/docs/swagger-ui-standalone-preset.js").statusCode());
        assertError(gateway.get("/docs/secret.txt"), 404, "route", "not found");

        HttpResponse<String> fromFolder = gateway.get("/docs/");
        assertTrue(fromFolder.body().contains("href=\"swagger-ui.css\"") && fromFolder.body().contains("url: \"../api\""),
                "links resolve from /docs/ too");
    }

    @Test
    void tokenRedirectsToTheTokenProvider() {
        HttpResponse<String> response = gateway.get("/token");

        assertEquals(303, response.statusCode());
        assertEquals("https://login.example.com/token", response.headers().firstValue("Location").orElse(""));
    }

    @Test
    void healthIsOkWithKafkaOk() throws Exception {
        HttpResponse<String> response = gateway.get("/health");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = JSON.readTree(response.body());
        assertEquals("ok", body.get("status").asText());
        assertTrue(body.get("uptime_seconds").isIntegralNumber());
        assertEquals("ok", body.get("dependencies").get("kafka").asText());
    }

    @Test
    void unknownPathsAndMethodsAre404Route() {
        assertError(gateway.get("/nothing/here"), 404, "route", "not found");
        assertError(gateway.get("/"), 404, "route", "not found");
        assertError(gateway.post("/topics", null, "{}"), 404, "route", "not found");
        assertError(gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/public.cps.za.test"))
                .DELETE().build()), 404, "route", "not found");
        assertError(gateway.get("/terminate"), 404, "route", "not found");
    }
}
