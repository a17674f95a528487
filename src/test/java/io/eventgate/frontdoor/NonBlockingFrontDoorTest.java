package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RawHttp;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP front door holds no thread for a slow client or a slow sink: requests are refused
 * before their body arrives, slow bodies cost nothing but memory, a hung sink delays only its own
 * part of each publish, and the connection's limits answer with the contract's body.
 */
class NonBlockingFrontDoorTest {

    private static final long HUNG_DEADLINE_MS = 1500;
    /**
     * How long the gateway waits for a body. A refusal or a publish that waited for other clients'
     * bodies would take about this long; the timed tests allow half of it, which is a lot on a loaded
     * machine and still far from waiting.
     */
    private static final long BODY_TIMEOUT_MS = 3000;
    private static final String TOPIC_PATH = "/topics/public.cps.za.test";

    @TempDir
    static Path routes;
    private static String bootstrap;
    private static RunningGateway gateway;
    private static int port;

    @BeforeAll
    static void start() throws IOException {
        // A sink that never answers, and holds no thread while it does not (an async delay).
        Files.writeString(routes.resolve("hung.yaml"), """
                - route:
                    id: sink-hung
                    from:
                      uri: direct:sink-hung
                      steps:
                        - delay:
                            constant: 600000
                            asyncDelayed: true
                """);
        bootstrap = SharedKafka.bootstrapServers();
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.hung.enabled", "false",
                "eventgate.http.header_timeout_ms", "1000",
                "eventgate.http.body_timeout_ms", String.valueOf(BODY_TIMEOUT_MS)));
        port = gateway.uri("/").getPort();
        // The Kafka producer starts on the first publish; the timed tests come after it.
        gateway.post(TOPIC_PATH, gateway.token("TestUser"), Events.test(Events.id()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static String head(String path, String token, int contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    @Test
    void aRequestWhoseBodyNeverComesIsRefusedAtOnceWhenItsTokenTopicOrAccessFails() throws IOException {
        String[][] cases = {
                {TOPIC_PATH, null, "401", "auth"},
                {"/topics/public.cps.za.nope", gateway.token("TestUser"), "404", "topic"},
                {TOPIC_PATH, gateway.token("NotListedUser"), "403", "auth"},
        };
        for (String[] c : cases) {
            try (RawHttp connection = RawHttp.connect(port, 1000)) {
                long started = System.nanoTime();
                RawHttp.Answer answer = connection.send(head(c[0], c[1], 1000)).read();
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                assertEquals(Integer.parseInt(c[2]), answer.status(), answer.body());
                assertEquals(c[3], json(answer.body()).get("errors").get(0).get("type").asText());
                assertEquals("close", answer.header("Connection"), "the unread body ends the connection");
                assertTrue(elapsedMs < BODY_TIMEOUT_MS / 2, "answered after " + elapsedMs + " ms");
            }
        }
    }

    @Test
    void slowClientsThatOutnumberAnyPoolDoNotDelayAValidPublish() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        try {
            String token = gateway.token("TestUser");
            for (int i = 0; i < 100; i++) {
                // Valid token and topic, so each one gets as far as waiting for its body.
                slow.add(RawHttp.connect(port, 5000).send(head(TOPIC_PATH, token, 2000) + "{\"event_id\":"));
            }
            String body = Events.test(Events.id());
            long started = System.nanoTime();
            HttpResponse<String> published = gateway.post(TOPIC_PATH, token, body);
            HttpResponse<String> health = gateway.get("/health");
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            assertEquals(202, published.statusCode(), published.body());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(elapsedMs < BODY_TIMEOUT_MS / 2, "a publish and /health took " + elapsedMs + " ms");
            assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().equals(body),
                    Duration.ofSeconds(10)).isPresent());
        } finally {
            slow.forEach(RawHttp::close);
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408WithTheContractBody() throws IOException {
        try (RawHttp connection = RawHttp.connect(port, 5000)) {
            RawHttp.Answer answer = connection.send(head(TOPIC_PATH, gateway.token("TestUser"), 100) + "{").read();
            assertEquals(408, answer.status(), answer.body());
            assertEquals("validation", json(answer.body()).get("errors").get(0).get("type").asText());
        }
    }

    @Test
    void aHeadOverTheLimitIs431WithTheContractBody() throws IOException {
        try (RawHttp connection = RawHttp.connect(port, 5000)) {
            RawHttp.Answer answer = connection.send("GET /topics HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "a".repeat(100_000) + "\r\n\r\n").read();
            assertEquals(431, answer.status(), answer.body());
            JsonNode error = json(answer.body());
            assertFalse(error.get("success").asBoolean());
            assertEquals(431, error.get("statusCode").asInt());
            assertEquals("validation", error.get("errors").get(0).get("type").asText());
        }
        assertEquals(200, gateway.get("/topics").statusCode(), "the server goes on");
    }

    @Test
    void aClientThatNeverFinishesItsHeadIsDisconnected() {
        try (RawHttp connection = RawHttp.connect(port, 5000)) {
            connection.send("GET /health HTTP/1.1\r\nHost: local");
            long started = System.nanoTime();
            assertTrue(connection.closedByServer(), "the connection is closed");
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(elapsedMs < 3000, "closed after " + elapsedMs + " ms");
        }
    }

    @Test
    void aPathThatIsNotValidUrlEncodingIs400Validation() throws IOException {
        try (RawHttp connection = RawHttp.connect(port, 5000)) {
            RawHttp.Answer answer = connection.send(head("/topics/%zz", gateway.token("TestUser"), 2) + "{}").read();
            assertEquals(400, answer.status(), answer.body());
            assertEquals("validation", json(answer.body()).get("errors").get(0).get("type").asText());
        }
    }

    @Test
    void aTokenInTheQueryStringDoesNotCount() {
        HttpResponse<String> response = gateway.post(TOPIC_PATH + "?bearer=" + gateway.token("TestUser")
                + "&Authorization=Bearer%20" + gateway.token("TestUser"), null, Events.test(Events.id()));
        assertEquals(401, response.statusCode(), response.body());
    }

    @Test
    void aHungSinkFailsOnlyItsOwnPartAtItsDeadlineAndOtherEndpointsStayFast() throws Exception {
        try (RunningGateway hung = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sink_timeout_ms", String.valueOf(HUNG_DEADLINE_MS)))) {
            String token = hung.token("TestUser");
            hung.post(TOPIC_PATH, token, Events.test(Events.id())); // starts the Kafka producer
            ExecutorService clients = Executors.newFixedThreadPool(40);
            try {
                List<Future<Object[]>> publishes = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String body = Events.test(Events.id());
                    publishes.add(clients.submit(() -> {
                        long started = System.nanoTime();
                        HttpResponse<String> response = hung.post(TOPIC_PATH, token, body);
                        JsonNode errors = json(response.body()).get("errors");
                        boolean onlyHung = errors != null && errors.size() == 1
                                && errors.get(0).get("type").asText().equals("hung");
                        return new Object[] {response.statusCode(), (System.nanoTime() - started) / 1_000_000, onlyHung,
                            response.body()};
                    }));
                }
                awaitInFlight(hung, 1); // the publishes are now waiting on the hung sink
                for (String path : List.of("/topics", "/api", "/docs", "/health", "/topics/public.cps.za.test")) {
                    long started = System.nanoTime();
                    HttpResponse<String> response = hung.get(path);
                    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                    assertEquals(200, response.statusCode(), path + ": " + response.body());
                    // Held up by the hung sink, it would take about its deadline.
                    assertTrue(elapsedMs < HUNG_DEADLINE_MS * 2 / 3, path + " took " + elapsedMs + " ms");
                }
                for (Future<Object[]> publish : publishes) {
                    Object[] outcome = publish.get();
                    long elapsedMs = (Long) outcome[1];
                    assertEquals(500, outcome[0], (String) outcome[3]);
                    assertTrue((Boolean) outcome[2], "only the hung sink failed: " + outcome[3]);
                    // 40 clients at once on a loaded machine: up to 1.5 s more than the deadline (not cut off,
                    // a publish would wait 600 s; the default deadline is 5 s).
                    assertTrue(elapsedMs >= HUNG_DEADLINE_MS - 50 && elapsedMs <= HUNG_DEADLINE_MS + 1500,
                            "answered after " + elapsedMs + " ms");
                }
            } finally {
                clients.shutdownNow();
            }
        }
    }

    @Test
    void aSinkAtItsInFlightBoundFailsItsPartAtOnce() throws Exception {
        try (RunningGateway bounded = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sink_timeout_ms", "3000",
                "eventgate.sinks.hung.max_in_flight", "2"))) {
            String token = bounded.token("TestUser");
            List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String body = Events.test(Events.id());
                holding.add(CompletableFuture.supplyAsync(() -> bounded.post(TOPIC_PATH, token, body)));
            }
            awaitInFlight(bounded, 2); // both now hold a place in the hung sink

            long started = System.nanoTime();
            HttpResponse<String> refused = bounded.post(TOPIC_PATH, token, Events.test(Events.id()));
            long elapsedMs = (System.nanoTime() - started) / 1_000_000;

            assertEquals(500, refused.statusCode(), refused.body());
            JsonNode errors = json(refused.body()).get("errors");
            assertEquals(1, errors.size(), refused.body());
            assertEquals("hung", errors.get(0).get("type").asText());
            assertTrue(errors.get(0).get("message").asText().contains("at capacity"), refused.body());
            assertTrue(elapsedMs < 2000, "refused after " + elapsedMs + " ms (the deadline is 3000 ms)");
            for (CompletableFuture<HttpResponse<String>> answer : holding) {
                assertEquals(500, answer.get().statusCode());
            }
            // The places are given back when the publishes answer.
            HttpResponse<String> later = bounded.post(TOPIC_PATH, token, Events.test(Events.id()));
            assertTrue(json(later.body()).get("errors").get(0).get("message").asText().startsWith("No acknowledgement"),
                    later.body());
        }
    }

    /** Waits until the hung sink holds at least {@code places} events (it never answers; they leave at their deadline). */
    private static void awaitInFlight(RunningGateway gateway, long places) throws InterruptedException {
        AtomicLong inFlight = gateway.app().sinks().find("hung").orElseThrow().inFlight();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (inFlight.get() < places) {
            assertTrue(System.nanoTime() < deadline, "the hung sink holds " + inFlight.get() + " of " + places);
            Thread.sleep(10);
        }
    }

    @Test
    void manyConcurrentPublishesAllLand() throws Exception {
        String token = gateway.token("TestUser");
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String body = Events.test(Events.id());
            bodies.add(body);
            answers.add(CompletableFuture.supplyAsync(() -> gateway.post(TOPIC_PATH, token, body)));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            assertEquals(202, answer.get().statusCode(), answer.get().body());
        }
        String last = bodies.get(bodies.size() - 1);
        assertTrue(KafkaRecords.find(bootstrap, "public.cps.za.test", r -> r.value().equals(last),
                Duration.ofSeconds(10)).isPresent());
    }
}
