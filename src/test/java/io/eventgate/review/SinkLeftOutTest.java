package io.eventgate.review;

import io.eventgate.testsupport.CapturedLog;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sink that is off must never be off silently, and being off must never stop start-up: found in the
 * review of the jbang merge (SinkRouteFilter, SinkDirectory).
 */
class SinkLeftOutTest {

    @TempDir
    Path routes;
    @TempDir
    Path archive;

    /**
     * A YAML sink with a batch route ({@code direct:batch-sink-<name>}, as BatchPublish invites) copied
     * without its setting: its single-event route and probe were left out, its batch route was not, and
     * Camel stopped start-up on the batch route's unresolvable placeholder.
     */
    @Test
    void aYamlSinkWithABatchRouteAndNoSettingIsNotConfiguredAndEventGateRunsOn() throws IOException {
        Files.writeString(routes.resolve("hook.yaml"), """
                - route:
                    id: sink-hook
                    from:
                      uri: direct:sink-hook
                      steps:
                        - to: "{{eventgate.sinks.hook.url}}"
                - route:
                    id: batch-sink-hook
                    from:
                      uri: direct:batch-sink-hook
                      steps:
                        - to: "{{eventgate.sinks.hook.url}}"
                """);
        try (CapturedLog log = CapturedLog.start();
             RunningGateway gateway = RunningGateway.start(Map.of(
                     "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                     "eventgate.routes-dir", "routes," + routes))) {
            HttpResponse<String> batch = gateway.post("/topics/public.cps.za.test/batch", gateway.token("TestUser"),
                    "[" + Events.test(Events.id()) + "]");
            HttpResponse<String> health = gateway.get("/health");

            assertEquals(202, batch.statusCode(), batch.body());
            assertEquals("not configured", json(health.body()).get("dependencies").path("hook").asText(), health.body());
            assertEquals(1, log.lines("Sink hook is not configured").size(), "one line");
        }
    }

    /**
     * Kafka without {@code kafka_bootstrap_server} (unset, or a typo in its name) while another sink is
     * configured: events are accepted into that sink alone. That must be said once, at WARN.
     */
    @Test
    void kafkaLeftOutByItsRequiresIsOneWarnLine() throws IOException {
        Files.copy(Path.of("examples/sinks/file-archive.yaml"), routes.resolve("file-archive.yaml"));
        try (CapturedLog log = CapturedLog.start();
             RunningGateway gateway = RunningGateway.start(Map.of(
                     "eventgate.kafka_bootstrap_server", "",
                     "eventgate.sinks.archive.directory", archive.toString(),
                     "eventgate.routes-dir", "routes," + routes))) {
            HttpResponse<String> publish = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"),
                    Events.test(Events.id()));
            HttpResponse<String> health = gateway.get("/health");

            assertEquals(202, publish.statusCode(), publish.body());
            assertEquals("not configured", json(health.body()).get("dependencies").path("kafka").asText(), health.body());
            List<String> lines = log.lines("Sink kafka is not configured");
            assertEquals(1, lines.size(), "one line: " + lines);
            assertEquals(true, lines.get(0).contains("WARN") && lines.get(0).contains("kafka_bootstrap_server"), lines.get(0));
        }
    }
}
