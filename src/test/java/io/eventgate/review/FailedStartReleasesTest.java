package io.eventgate.review;

import io.eventgate.EventGateApplication;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A start that fails after EventGateConfiguration made its clients must release them (review of the
 * jbang merge): the Lambda handler tries to start again every 30 s in the same JVM, and each failed
 * attempt left the previous one's clients running (here the trace exporter's worker thread), because
 * their release was a Camel service that is only stopped once it has started.
 */
class FailedStartReleasesTest {

    private static final String TRACE_WORKER = "BatchSpanProcessor_WorkerThread";

    @TempDir
    Path routes;

    @Test
    void aFailedStartThenStopLeavesNoTraceExporterRunning() throws Exception {
        Files.writeString(routes.resolve("broken.yaml"), """
                - route:
                    from:
                      uri: direct:not-a-sink
                      steps:
                        - to: "{{eventgate.no_such_setting}}"
                """);
        DevTokens tokens = DevTokens.create();
        Map<String, String> settings = new HashMap<>();
        settings.put("camel.server.port", String.valueOf(RunningGateway.freePort()));
        settings.put("eventgate.token_public_keys_url", tokens.keysUrl());
        settings.put("eventgate.token_public_key_url", "");
        settings.put("eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers());
        settings.put("eventgate.traces.enabled", "true");
        settings.put("eventgate.routes-dir", "routes," + routes);
        // Only threads made here count: a worker of an earlier test class may still be ending meanwhile.
        Set<Thread> before = workers();

        for (int attempt = 0; attempt < 3; attempt++) {
            // as LambdaHandler.start does: create, start, and stop quietly when the start fails
            EventGateApplication app = EventGateApplication.create(EventGateApplication.FrontDoor.NONE, new S3ConfigReader(), settings);
            assertThrows(Exception.class, app::start);
            try {
                app.stop();
            } catch (Exception ignored) {
                // as stopQuietly
            }
        }

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!newWorkers(before).isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(Set.of(), newWorkers(before), "trace exporter threads left by failed starts");
    }

    private static Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(TRACE_WORKER)).collect(Collectors.toSet());
    }

    private static Set<Thread> newWorkers(Set<Thread> before) {
        Set<Thread> now = workers();
        now.removeAll(before);
        return now;
    }
}
