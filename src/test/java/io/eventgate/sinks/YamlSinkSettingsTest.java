package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example YAML sinks copied into a routes folder as a user would: without their setting they are
 * "not configured" and EventGate starts and accepts events; with it, the webhook's own probe makes
 * {@code /health} tell whether its receiver is up.
 */
class YamlSinkSettingsTest {

    @TempDir
    static Path routes;

    @BeforeAll
    static void copyTheExamples() throws IOException {
        for (String example : new String[] {"webhook.yaml", "file-archive.yaml"}) {
            Files.copy(Path.of("examples/sinks", example), routes.resolve(example));
        }
    }

    @Test
    void copiedSinksWithoutTheirSettingAreNotConfiguredAndEventGateRunsOn() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes," + routes))) {

            HttpResponse<String> publish = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                    Events.test(Events.id()));
            HttpResponse<String> health = gateway.get("/health");

            assertEquals(202, publish.statusCode(), publish.body());
            assertEquals(200, health.statusCode(), health.body());
            JsonNode dependencies = json(health.body()).get("dependencies");
            assertEquals("not configured", dependencies.path("webhook").asText(), health.body());
            assertEquals("not configured", dependencies.path("archive").asText(), health.body());
            assertEquals("ok", dependencies.path("kafka").asText(), health.body());
        }
    }

    @Test
    void anEmptySettingIsMissingToo() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.webhook.url", " "))) {

            HttpResponse<String> health = gateway.get("/health");

            assertEquals("not configured", json(health.body()).get("dependencies").path("webhook").asText(), health.body());
        }
    }

    @Test
    void healthReportsAWebhookWhoseReceiverIsDown() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("HEAD") ? 405 : 200, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.webhook.url", url,
                "eventgate.sinks.archive.directory", routes.resolve("archive").toString()))) {

            HttpResponse<String> up = gateway.get("/health");
            receiver.stop(0);
            HttpResponse<String> down = gateway.get("/health");

            assertEquals(200, up.statusCode(), up.body());
            assertEquals("ok", json(up.body()).get("dependencies").path("webhook").asText(), up.body());
            assertEquals(503, down.statusCode(), down.body());
            String failure = json(down.body()).get("failures").path("webhook").asText();
            assertTrue(failure.startsWith("Webhook receiver does not answer: "), down.body());
            assertEquals(failure, json(down.body()).get("dependencies").path("webhook").asText());
            assertEquals("ok", json(down.body()).get("dependencies").path("kafka").asText(), down.body());
        } finally {
            receiver.stop(0);
        }
    }
}
