package io.eventgate.jbang;

import io.eventgate.dev.CamelJBang;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Camel JBang run, for real: Camel JBang ({@link CamelJBang}, in a JVM of its own, as
 * the {@code camel} command would be) runs {@code camel run routes/*.yaml application.properties}
 * from the project folder, against an in-JVM broker. camel-main finds EventGate through the
 * configuration class that {@code application.properties} names; the test posts an event over HTTP
 * and reads it back from Kafka.
 */
class CamelJBangTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOPIC = "public.cps.za.test";

    private static Process camel;
    private static Path log;
    private static int port;
    private static DevTokens tokens;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        tokens = DevTokens.create();
        port = RunningGateway.freePort();
        log = Files.createTempFile("camel-jbang-", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                "-cp", System.getProperty("java.class.path"), CamelJBang.class.getName(),
                "run"));
        try (var routes = Files.list(Path.of("routes"))) {
            routes.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(p -> command.add(p.toString()));
        }
        // Everything is on the class path here: nothing to download.
        command.addAll(List.of("application.properties", "--download=false"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        builder.environment().put("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", bootstrap);
        builder.environment().put("EVENTGATE_TOKEN_PUBLIC_KEYS_URL", tokens.keysUrl());
        builder.environment().put("LOG_LEVEL", "INFO");
        camel = builder.start();
        awaitTopics(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.destroy();
            if (!camel.waitFor(20, TimeUnit.SECONDS)) {
                camel.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anEventPostedToCamelJBangIsAcceptedAndLandsInKafka() throws Exception {
        String id = Events.id();
        String body = Events.test(id);

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/topics/" + TOPIC))
                .header("Authorization", "Bearer " + tokens.token("TestUser", Duration.ofMinutes(5)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(202, response.statusCode(), response.body() + "\n" + tail());
        assertEquals(body, KafkaRecords.find(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(id),
                Duration.ofSeconds(10)).orElseThrow().value());
    }

    @Test
    void theSinkWithoutItsSettingIsNotConfiguredAndSaidSoInOneLine() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertTrue(health.body().contains("\"eventbridge\":\"not configured\""), health.body());
        assertTrue(health.body().contains("\"kafka\":\"ok\""), health.body());
        assertTrue(Files.readString(log).contains(
                "Sink eventbridge is not configured, so it is off: set event_bus_arn"), tail());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until the front door answers, or fails with the end of Camel JBang's output. */
    private static void awaitTopics(Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!camel.isAlive()) {
                throw new AssertionError("Camel JBang exited with " + camel.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> topics = HTTP.send(HttpRequest.newBuilder(uri("/topics"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (topics.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Camel JBang did not open the front door within " + within + ":\n" + tail());
    }

    private static String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
