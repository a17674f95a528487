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
import org.junit.jupiter.api.io.TempDir;

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
 * the {@code camel} command would be) runs {@code camel run <routes>/*.yaml application.properties --dev}
 * from the project folder, against an in-JVM broker, on a copy of {@code routes/} with the two example
 * sinks added (the archive configured, the webhook not). camel-main finds EventGate through the
 * configuration class that {@code application.properties} names. The test posts events over HTTP, reads
 * them back from Kafka and the archive, and edits the archive's route while it runs (live reload).
 */
class CamelJBangTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOPIC = "public.cps.za.test";

    private static Process camel;
    private static Path log;
    @TempDir
    static Path routes;
    @TempDir
    static Path archive;
    private static int port;
    private static DevTokens tokens;

    @BeforeAll
    static void start() throws Exception {
        String bootstrap = SharedKafka.bootstrapServers();
        tokens = DevTokens.create();
        port = RunningGateway.freePort();
        log = Files.createTempFile("camel-jbang-", ".log");
        try (var files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.copy(Path.of("examples/sinks/file-archive.yaml"), routes.resolve("file-archive.yaml"));
        Files.copy(Path.of("examples/sinks/webhook.yaml"), routes.resolve("webhook.yaml"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx384m",
                // a start-up of many classes run once: the quick compiler is enough
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), CamelJBang.class.getName(),
                "run"));
        try (var files = Files.list(routes)) {
            files.sorted().forEach(p -> command.add(p.toString()));
        }
        // Everything is on the class path here: nothing to download.
        command.addAll(List.of("application.properties", "--dev", "--download=false"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        builder.environment().put("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", bootstrap);
        builder.environment().put("EVENTGATE_TOKEN_PUBLIC_KEYS_URL", tokens.keysUrl());
        builder.environment().put("EVENTGATE_SINKS_ARCHIVE_DIRECTORY", archive.toString());
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
    void anEventPostedToCamelJBangIsAcceptedAndLandsInKafkaAndTheArchive() throws Exception {
        String id = Events.id();
        String body = Events.test(id);

        HttpResponse<String> response = publish(body);

        assertEquals(202, response.statusCode(), response.body() + "\n" + tail());
        assertEquals(body, KafkaRecords.find(SharedKafka.bootstrapServers(), TOPIC, r -> r.value().contains(id),
                Duration.ofSeconds(10)).orElseThrow().value());
        assertEquals(List.of(body), archived(archive, id));
    }

    @Test
    void theSinkWithoutItsSettingIsNotConfiguredAndSaidSoInOneLine() throws Exception {
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertTrue(health.body().contains("\"webhook\":\"not configured\""), health.body());
        assertTrue(health.body().contains("\"archive\":\"ok\""), health.body());
        assertTrue(health.body().contains("\"kafka\":\"ok\""), health.body());
        assertEquals(1, Files.readAllLines(log).stream().filter(line -> line.contains(
                "WARN SinkRouteFilter - Sink webhook is not configured, so it is off: set sinks.webhook.url")).count(), tail());
    }

    @Test
    void aSinkRouteEditedWhileItRunsIsReloaded() throws Exception {
        Path route = routes.resolve("file-archive.yaml");
        Files.writeString(route, Files.readString(route).replace(
                "fileName: \"${exchangeProperty.eventGateTopic}/", "fileName: \"reloaded/${exchangeProperty.eventGateTopic}/"));

        // The file watcher notices within a few seconds; until then events go to the old folder.
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        while (System.nanoTime() < deadline) {
            String id = Events.id();
            assertEquals(202, publish(Events.test(id)).statusCode(), tail());
            if (!archived(archive.resolve("reloaded").resolve(TOPIC), id).isEmpty()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the edited archive route was not reloaded:\n" + tail());
    }

    private static HttpResponse<String> publish(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/topics/" + TOPIC))
                .header("Authorization", "Bearer " + tokens.token("TestUser", Duration.ofMinutes(5)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The archived files under {@code folder} (by date) that hold the event {@code id}. */
    private static List<String> archived(Path folder, String id) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.walk(folder)) {
            List<String> found = new ArrayList<>();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = Files.readString(file);
                if (content.contains(id)) {
                    found.add(content);
                }
            }
            return found;
        }
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
