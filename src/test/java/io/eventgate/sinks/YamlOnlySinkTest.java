package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's tutorial, for real: the example sinks in examples/sinks (an HTTP webhook and a
 * file archive) are dropped into an extra routes folder and configured by settings alone; the
 * running EventGate fans out to them beside Kafka, and their failures come back under their names.
 */
class YamlOnlySinkTest {

    @TempDir
    static Path routes;
    @TempDir
    static Path archive;

    private static HttpServer webhook;
    private static final BlockingQueue<String[]> received = new LinkedBlockingQueue<>();
    private static final AtomicInteger webhookStatus = new AtomicInteger(200);
    /** When set, the webhook answers only once it is counted down (one call at a time: the server has one thread). */
    private static volatile CountDownLatch webhookHold;
    private static String bootstrap;
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        for (String example : new String[] {"webhook.yaml", "file-archive.yaml"}) {
            Files.copy(Path.of("examples/sinks", example), routes.resolve(example));
        }
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            CountDownLatch hold = webhookHold;
            if (hold != null) {
                try {
                    hold.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(new String[] {exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("X-EventGate-Topic"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body});
            exchange.sendResponseHeaders(webhookStatus.get(), -1);
            exchange.close();
        });
        webhook.start();
        bootstrap = SharedKafka.bootstrapServers();
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.webhook.url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "eventgate.sinks.archive.directory", archive.toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        webhook.stop(0);
    }

    @BeforeEach
    void healthyWebhook() {
        webhookStatus.set(200);
        received.clear();
    }

    @Test
    void eventReachesEverySink() throws Exception {
        String id = Events.id();
        String body = Events.test(id);

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertEquals(202, response.statusCode(), response.body());
        String[] call = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(call, "the webhook was called");
        assertEquals(List.of("POST", "public.cps.za.test", "application/json", body), List.of(call));
        assertEquals(List.of(body), archivedContaining(id));
        assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().equals(body), Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void failingYamlSinkIsReportedUnderItsOwnNameAndOthersStillDeliver() throws Exception {
        webhookStatus.set(503);
        String id = Events.id();
        String body = Events.test(id);

        HttpResponse<String> response = gateway.post("/topics/public.cps.za.test", gateway.token("TestUser"), body);

        assertError(response, 500, "webhook", "503");
        assertEquals(List.of(body), archivedContaining(id));
        assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().equals(body), Duration.ofSeconds(10)).isPresent());
    }

    @Test
    void errorsListExactlyTheFailedSinks() throws IOException {
        webhookStatus.set(500);
        Path blocker = archive.resolve("public.cps.za.dlchange");
        Files.writeString(blocker, "a file where the archive wants a folder");
        try {
            HttpResponse<String> response = gateway.post("/topics/public.cps.za.dlchange", gateway.token("FooUser"),
                    Events.dlchange(Events.id()));

            assertEquals(500, response.statusCode(), response.body());
            JsonNode errors = json(response.body()).get("errors");
            assertEquals(2, errors.size(), response.body());
            assertEquals("archive", errors.get(0).get("type").asText());
            assertEquals("webhook", errors.get(1).get("type").asText());
        } finally {
            Files.delete(blocker);
        }
    }

    @Test
    void healthListsTheDiscoveredSinks() {
        JsonNode dependencies = json(gateway.get("/health").body()).get("dependencies");

        assertEquals("ok", dependencies.get("webhook").asText());
        assertEquals("ok", dependencies.get("archive").asText());
        assertEquals("ok", dependencies.get("kafka").asText());
        assertEquals("not configured", dependencies.get("eventbridge").asText());
        assertEquals("not configured", dependencies.get("postgres").asText());
    }

    @Test
    void aSinkCanBeDisabledByConfiguration() throws Exception {
        try (RunningGateway withoutWebhook = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.webhook.url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "eventgate.sinks.webhook.enabled", "false",
                "eventgate.sinks.archive.directory", archive.toString()))) {
            String id = Events.id();
            assertEquals(202, withoutWebhook.post("/topics/public.cps.za.test", withoutWebhook.token("TestUser"),
                    Events.test(id)).statusCode());
            assertEquals(1, archivedContaining(id).size());
            assertEquals(null, received.poll(500, TimeUnit.MILLISECONDS), "the disabled webhook is not called");
            assertTrue(!json(withoutWebhook.get("/health").body()).get("dependencies").has("webhook"));
        }
    }

    @Test
    void beyondItsBoundTheWebhookFailsAtOnceAsAtCapacity() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        webhookHold = hold;
        ExecutorService clients = Executors.newFixedThreadPool(3);
        try (RunningGateway bounded = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", "",
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.webhook.url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook",
                "eventgate.sinks.webhook.threads", "1",
                "eventgate.sinks.webhook.queue_size", "1",
                "eventgate.sinks.archive.directory", archive.toString()))) {
            String token = bounded.token("TestUser");
            long start = System.nanoTime();
            List<CompletableFuture<HttpResponse<String>>> answers = Stream.generate(() -> CompletableFuture.supplyAsync(
                    () -> bounded.post("/topics/public.cps.za.test", token, Events.test(Events.id())), clients))
                    .limit(3).toList();

            // One call waits for the webhook, one for the sink's thread: the third is refused at once. (Not
            // at once, it would wait for the held webhook, 5 s; a fresh gateway's first three requests on a
            // loaded machine take up to a second or two.)
            HttpResponse<String> refused = (HttpResponse<String>) CompletableFuture.anyOf(
                    answers.toArray(CompletableFuture[]::new)).get(4, TimeUnit.SECONDS);
            long refusedMs = (System.nanoTime() - start) / 1_000_000;
            assertError(refused, 500, "webhook", "Webhook sink is at capacity (1 sending, 1 waiting)");
            assertTrue(refusedMs < 3500, "refused after " + refusedMs + " ms");

            hold.countDown();
            assertEquals(2, answers.stream().map(CompletableFuture::join).filter(a -> a.statusCode() == 202).count());
        } finally {
            webhookHold = null;
            hold.countDown();
            clients.shutdownNow();
        }
    }

    private static List<String> archivedContaining(String eventId) throws IOException {
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile)
                    .map(YamlOnlySinkTest::read)
                    .filter(text -> text.contains(eventId))
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
