package io.eventgate.metrics;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.eventgate.testsupport.Answers.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /metrics} over real HTTP after real traffic: the real broker (Kafka sink), a YAML sink
 * that posts each event to a web hook served here (so the test decides what it answers), real JWTs.
 * The counters grow across the tests of this class, so each test compares two scrapes.
 */
class MetricsEndToEndTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final long HOOK_DEADLINE_MS = 3000;

    @TempDir
    static Path routes;
    private static String bootstrap;
    private static RunningGateway gateway;
    private static WebHook hook;
    /** When set, a hold: the hook counts down {@code held} and waits for {@code release}. */
    private static final AtomicReference<Hold> HOOK_HOLD = new AtomicReference<>();

    private record Hold(CountDownLatch held, CountDownLatch release) {
        Hold() {
            this(new CountDownLatch(1), new CountDownLatch(1));
        }
    }

    @BeforeAll
    static void start() {
        hook = WebHook.start(routes, MetricsEndToEndTest::holdIfAsked);
        bootstrap = SharedKafka.bootstrapServers();
        gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", bootstrap,
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.sinks.hook.timeout_ms", String.valueOf(HOOK_DEADLINE_MS)));
    }

    /** Before the hook answers: when a test set a hold, count it down and wait for its release. */
    private static void holdIfAsked() {
        Hold hold = HOOK_HOLD.get();
        if (hold != null) {
            hold.held().countDown();
            try {
                hold.release().await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        hook.close();
    }

    private static Scrape scrape() {
        HttpResponse<String> response = gateway.get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(MetricsEndpoint.CONTENT_TYPE, response.headers().firstValue("Content-Type").orElse(""));
        return new Scrape(response.body());
    }

    private static double events(Scrape scrape, String topic, String status, String error) {
        return scrape.value("eventgate_events_total", "topic", topic, "status", status, "error", error);
    }

    @Test
    void acceptedAndRefusedEventsAreCountedByTopicStatusAndErrorType() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        for (int i = 0; i < 3; i++) {
            String body = Events.test(Events.id());
            assertEquals(202, gateway.post("/topics/" + TOPIC, token, body).statusCode());
            assertTrue(KafkaRecords.find(bootstrap, TOPIC, r -> r.value().equals(body), Duration.ofSeconds(10)).isPresent());
        }
        assertError(gateway.post("/topics/" + TOPIC, null, Events.test(Events.id())), 401, "auth", "Token is missing");
        assertError(gateway.post("/topics/" + TOPIC, token, "[1, 2]"), 400, "validation", "JSON object");

        Scrape after = scrape();

        assertEquals(3, events(after, TOPIC, "202", "none") - events(before, TOPIC, "202", "none"), after.text());
        assertEquals(1, events(after, TOPIC, "401", "auth") - events(before, TOPIC, "401", "auth"), after.text());
        assertEquals(1, events(after, TOPIC, "400", "validation") - events(before, TOPIC, "400", "validation"), after.text());
        for (String sink : new String[] {"kafka", "hook"}) {
            String count = "eventgate_sink_latency_seconds_count";
            assertEquals(3, after.value(count, "sink", sink, "outcome", "acknowledged")
                    - before.value(count, "sink", sink, "outcome", "acknowledged"), sink);
            assertTrue(after.value("eventgate_sink_latency_seconds_bucket", "sink", sink, "outcome", "acknowledged", "le", "+Inf")
                    >= 3, after.text());
        }
        assertEquals(3, after.value("eventgate_publish_duration_seconds_count", "outcome", "accepted")
                - before.value("eventgate_publish_duration_seconds_count", "outcome", "accepted"));
        assertEquals(2, after.value("eventgate_publish_duration_seconds_count", "outcome", "refused")
                - before.value("eventgate_publish_duration_seconds_count", "outcome", "refused"));
        // one token for four requests: at most one RSA check, the rest from the cache
        assertTrue(after.value("eventgate_token_cache_lookups_total", "result", "hit")
                - before.value("eventgate_token_cache_lookups_total", "result", "hit") >= 3, after.text());
        assertTrue(after.value("eventgate_token_cache_lookups_total", "result", "miss")
                - before.value("eventgate_token_cache_lookups_total", "result", "miss") <= 1, after.text());
    }

    @Test
    void unknownTopicsShareOneLabelSoThatClientsCannotMakeSeries() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        for (String topic : new String[] {"made.up.one", "MADE.UP.TWO", "x%7Bquote%22%7D"}) {
            assertEquals(404, gateway.post("/topics/" + topic, token, Events.test(Events.id())).statusCode());
        }
        // a known topic in another case is that topic
        assertEquals(202, gateway.post("/topics/PUBLIC.CPS.ZA.TEST", token, Events.test(Events.id())).statusCode());

        Scrape after = scrape();

        String unknown = GatewayMetrics.UNKNOWN_TOPIC;
        assertEquals(3, events(after, unknown, "404", "topic") - events(before, unknown, "404", "topic"), after.text());
        assertEquals(1, events(after, TOPIC, "202", "none") - events(before, TOPIC, "202", "none"));
        String lower = after.text().toLowerCase();
        assertFalse(lower.contains("made.up"), after.text());
        assertFalse(lower.contains("quote"), after.text());
    }

    @Test
    void aFailingSinkIsCountedWithItsReasonClassAndTheOthersStillAcknowledge() {
        Scrape before = scrape();
        String token = gateway.token("TestUser");
        hook.status.set(503);
        HttpResponse<String> unavailable;
        HttpResponse<String> rejected;
        try {
            unavailable = gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));
            hook.status.set(400);
            rejected = gateway.post("/topics/" + TOPIC, token, Events.test(Events.id()));
        } finally {
            hook.status.set(200);
        }
        assertEquals(500, unavailable.statusCode(), unavailable.body());
        assertTrue(unavailable.body().contains("\"type\":\"hook\""), unavailable.body());
        assertEquals(500, rejected.statusCode(), rejected.body());

        Scrape after = scrape();

        String failures = "eventgate_sink_failures_total";
        assertEquals(1, after.value(failures, "sink", "hook", "reason", "unavailable")
                - before.value(failures, "sink", "hook", "reason", "unavailable"), after.text());
        assertEquals(1, after.value(failures, "sink", "hook", "reason", "rejected")
                - before.value(failures, "sink", "hook", "reason", "rejected"), after.text());
        assertEquals(0, after.value(failures, "sink", "kafka", "reason", "other")
                - before.value(failures, "sink", "kafka", "reason", "other"));
        assertEquals(2, events(after, TOPIC, "500", "sink") - events(before, TOPIC, "500", "sink"), after.text());
        String count = "eventgate_sink_latency_seconds_count";
        assertEquals(2, after.value(count, "sink", "hook", "outcome", "failed")
                - before.value(count, "sink", "hook", "outcome", "failed"));
        assertEquals(2, after.value(count, "sink", "kafka", "outcome", "acknowledged")
                - before.value(count, "sink", "kafka", "outcome", "acknowledged"));
        // every reason has its series from the start, so a rate() query has a zero to start from
        assertEquals(SinkFailure.values().length, after.series(failures, "sink", "kafka").size(), after.text());
    }

    @Test
    void aSinkThatAnswersAfterItsDeadlineCountsAsATimeout() {
        Scrape before = scrape();
        Hold hold = new Hold();
        HOOK_HOLD.set(hold);
        HttpResponse<String> late;
        try {
            // the hook holds the event past its deadline: the answer comes when the deadline passes
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() ->
                    gateway.post("/topics/" + TOPIC, gateway.token("TestUser"), Events.test(Events.id())));
            late = answer.join();
        } finally {
            HOOK_HOLD.set(null);
            hold.release().countDown();
        }
        assertEquals(500, late.statusCode(), late.body());
        assertTrue(late.body().contains("No acknowledgement within " + HOOK_DEADLINE_MS + " ms"), late.body());

        Scrape after = scrape();

        String failures = "eventgate_sink_failures_total";
        assertEquals(1, after.value(failures, "sink", "hook", "reason", "timeout")
                - before.value(failures, "sink", "hook", "reason", "timeout"), after.text());
        assertEquals(1, events(after, TOPIC, "500", "sink") - events(before, TOPIC, "500", "sink"));
    }

    @Test
    void publishesInFlightAreShownWhileASinkHoldsThemAndMetricsStayFast() throws Exception {
        assertEquals(0, scrape().value("eventgate_publish_in_flight"));
        Hold hold = new Hold();
        HOOK_HOLD.set(hold);
        CompletableFuture<HttpResponse<String>> held;
        try {
            held = CompletableFuture.supplyAsync(() ->
                    gateway.post("/topics/" + TOPIC, gateway.token("TestUser"), Events.test(Events.id())));
            assertTrue(hold.held().await(10, TimeUnit.SECONDS), "the hook got the event");

            long started = System.nanoTime();
            Scrape during = scrape();
            long scrapeMs = (System.nanoTime() - started) / 1_000_000;

            assertEquals(1, during.value("eventgate_publish_in_flight"), during.text());
            assertTrue(scrapeMs < 2000, "a scrape waits for no sink: " + scrapeMs + " ms");
        } finally {
            HOOK_HOLD.set(null);
            hold.release().countDown();
        }
        assertEquals(202, held.get(10, TimeUnit.SECONDS).statusCode());
        assertEquals(0, scrape().value("eventgate_publish_in_flight"));
    }

    @Test
    void theServersWarmUpIsNotCounted() throws InterruptedException {
        // The warm-up sends one unverifiable token per topic at start; wait until its lookups are in.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (scrape().value("eventgate_token_cache_lookups_total", "result", "miss") < 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Scrape scrape = scrape();

        assertTrue(scrape.value("eventgate_token_cache_lookups_total", "result", "miss") >= 4, scrape.text());
        assertEquals(0, events(scrape, "public.cps.za.dlchange", "401", "auth"), scrape.text());
        assertEquals(0, events(scrape, "public.cps.za.status_change", "401", "auth"), scrape.text());
    }

    @Test
    void headIsAnsweredAndOtherMethodsAreNotFound() {
        HttpResponse<String> head = gateway.send(HttpRequest.newBuilder(gateway.uri("/metrics"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, head.statusCode());
        assertError(gateway.post("/metrics", null, "{}"), 404, "route", "not found");
    }
}
