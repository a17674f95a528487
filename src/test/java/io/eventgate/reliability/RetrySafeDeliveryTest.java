package io.eventgate.reliability;

import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.eventgate.testsupport.Answers.assertError;
import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retry-safe delivery (README, "Retry-safe delivery") over real HTTP, with the real broker, an
 * embedded Postgres that is killed and started again, and the example file-archive sink (which,
 * unlike the other two, writes a new file for every event it gets: it shows each write). A retry of
 * an event goes only to the sinks that do not have it; an event that every sink has is answered 202
 * and written nowhere; a sink that answers after its deadline is not recorded; with
 * {@code delivery.repository=jdbc} two instances share what was
 * acknowledged, a ledger that fails never fails a publish, and acknowledgements expire.
 */
class RetrySafeDeliveryTest {

    private static final String TEST = "public.cps.za.test";
    private static final String DLCHANGE = "public.cps.za.dlchange";
    private static final String RUNS = "public.cps.za.runs";
    private static final long SINK_TIMEOUT_MS = 5000;

    @TempDir
    static Path routes;
    @TempDir
    static Path archive;

    private static RestartablePostgres postgres;
    private static String bootstrap;
    /** The in-memory ledger (the default); dlchange has no identity field here, and runs has job_ref. */
    private static RunningGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        CompletableFuture<RestartablePostgres> database = CompletableFuture.supplyAsync(RestartablePostgres::start);
        Files.copy(Path.of("examples/sinks/file-archive.yaml"), routes.resolve("file-archive.yaml"));
        bootstrap = SharedKafka.bootstrapServers();
        postgres = database.join();
        gateway = RunningGateway.start(settings(Map.of(
                "eventgate.delivery.identity_fields." + DLCHANGE, "",
                "eventgate.delivery.identity_fields." + RUNS, "/job_ref")));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    /** Kafka, Postgres (migrated) and the file archive as sinks, and these settings. */
    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> all = new HashMap<>();
        all.put("eventgate.kafka_bootstrap_server", bootstrap);
        all.putAll(postgres.sinkSettings());
        all.put("eventgate.routes-dir", "routes," + routes);
        all.put("eventgate.sinks.archive.directory", archive.toString());
        all.put("eventgate.sink_timeout_ms", String.valueOf(SINK_TIMEOUT_MS));
        all.putAll(more);
        return all;
    }

    private static Map<String, String> jdbc(Map<String, String> more) {
        Map<String, String> all = new HashMap<>(Map.of(
                "eventgate.delivery.repository", "jdbc",
                "eventgate.delivery.jdbc.retry_ms", "300"));
        all.putAll(more);
        return settings(all);
    }

    @Test
    void aRetryAfterPostgresWasDownGoesOnlyToPostgres() {
        String id = Events.id();
        String event = Events.test(id);
        postgres.kill();
        HttpResponse<String> first;
        try {
            first = publish(gateway, TEST, event);
            assertError(first, 500, "postgres", "");
            assertEquals(1, json(first.body()).get("errors").size(), first.body());
            assertTrue(KafkaRecords.find(bootstrap, TEST, r -> r.value().equals(event), Duration.ofSeconds(10)).isPresent(),
                    "Kafka acknowledged the event although Postgres was down");
        } finally {
            postgres.restart();
        }

        HttpResponse<String> retry = publish(gateway, TEST, event);

        assertEquals(202, retry.statusCode(), retry.body());
        long copies = kafkaCopies(gateway, TEST, id);
        long rows = rows("SELECT count(*) FROM public_cps_za_test WHERE event_id = ?", id);
        System.out.printf("Retry after Postgres was down: first answer %d, retry %d; Kafka copies %d, Postgres rows %d, archive files %d%n",
                first.statusCode(), retry.statusCode(), copies, rows, archived(id));
        assertEquals(1, copies, "copies in Kafka");
        assertEquals(1, rows, "rows in Postgres");
        assertEquals(1, archived(id), "files in the archive: it acknowledged the first time, so the retry skips it");
    }

    @Test
    void aRetryOfAnEventEverySinkHasIsAcceptedAndWrittenNowhere() {
        String id = Events.id();
        String event = Events.test(id);
        assertEquals(202, publish(gateway, TEST, event).statusCode());
        assertEquals(1, archived(id));

        for (int retry = 0; retry < 3; retry++) {
            HttpResponse<String> again = publish(gateway, TEST, event);
            assertEquals(202, again.statusCode(), again.body());
            assertEquals("{\"success\":true,\"statusCode\":202}", again.body().replace(" ", ""));
        }

        assertEquals(1, archived(id), "files in the archive");
        assertEquals(1, kafkaCopies(gateway, TEST, id), "copies in Kafka");
        assertEquals(1, rows("SELECT count(*) FROM public_cps_za_test WHERE event_id = ?", id));
    }

    @Test
    void theIdentityIsTheIdNotTheBody() {
        String id = Events.id();
        String event = Events.test(id);
        assertEquals(202, publish(gateway, TEST, event).statusCode());

        String changed = event.replace("hello", "changed under the same id");
        assertEquals(202, publish(gateway, TEST, changed).statusCode());

        String marker = marker(gateway, TEST);
        List<String> values = KafkaRecords.upTo(bootstrap, TEST, r -> r.value().contains(marker), Duration.ofSeconds(10))
                .stream().map(r -> r.value()).filter(v -> v.contains(id)).toList();
        assertEquals(List.of(event), values, "only the first body is delivered");
    }

    @Test
    void anIdentityIsScopedByItsTopicAndAnEventWithoutOneIsDeliveredAgain() {
        String id = Events.id();
        // the same id on another topic is another event; dlchange has no identity field in this gateway
        assertEquals(202, publish(gateway, TEST, Events.test(id)).statusCode());
        assertEquals(202, publish(gateway, DLCHANGE, Events.dlchange(id)).statusCode());
        assertEquals(202, publish(gateway, DLCHANGE, Events.dlchange(id)).statusCode());

        assertEquals(1, kafkaCopies(gateway, TEST, id));
        assertEquals(2, kafkaCopies(gateway, DLCHANGE, id), "without an identity, a retry is delivered again, as before");
        assertEquals(3, archived(id));
    }

    @Test
    void aTopicMayNameItsOwnIdentityField() {
        String jobRef = "job-" + Events.id();
        String first = Events.id();
        String second = Events.id();
        assertEquals(202, publish(gateway, RUNS, Events.runs(first, "spark", "dev", "DLAK").replace("spark-123", jobRef)).statusCode());
        HttpResponse<String> again = publish(gateway, RUNS, Events.runs(second, "spark", "dev", "DLAK").replace("spark-123", jobRef));

        assertEquals(202, again.statusCode(), again.body());
        assertEquals(1, kafkaCopies(gateway, RUNS, jobRef), "the second event has the first one's identity (job_ref)");
        assertEquals(0, rows("SELECT count(*) FROM public_cps_za_runs WHERE event_id = ?", second));
        assertEquals(1, rows("SELECT count(*) FROM public_cps_za_runs WHERE event_id = ?", first));
    }

    @Test
    void twoConcurrentRequestsWithOneIdLoseNothing() {
        String id = Events.id();
        String event = Events.test(id);
        CompletableFuture<HttpResponse<String>> one = CompletableFuture.supplyAsync(() -> publish(gateway, TEST, event));
        CompletableFuture<HttpResponse<String>> two = CompletableFuture.supplyAsync(() -> publish(gateway, TEST, event));
        assertEquals(202, one.join().statusCode());
        assertEquals(202, two.join().statusCode());

        long copies = kafkaCopies(gateway, TEST, id);
        assertTrue(copies == 1 || copies == 2, "1 or 2 copies (both may pass the look-up before either records): " + copies);
        assertEquals(1, rows("SELECT count(*) FROM public_cps_za_test WHERE event_id = ?", id));
        assertEquals(202, publish(gateway, TEST, event).statusCode());
        assertEquals(copies, kafkaCopies(gateway, TEST, id), "a later retry adds nothing");
    }

    @Test
    void aSinkThatAnswersAfterItsDeadlineIsNotRecordedAndGetsTheRetry(@TempDir Path hangingRoutes) {
        HangingSink.writeRoute(hangingRoutes);
        try (RunningGateway withHangingSink = RunningGateway.start(settings(Map.of(
                "eventgate.routes-dir", "routes," + hangingRoutes,
                "eventgate.sinks." + HangingSink.NAME + ".timeout_ms", "300")))) {
            marker(withHangingSink, TEST); // the Kafka producer is connected before the clock matters
            String id = Events.id();
            String event = Events.test(id);
            // Far longer than the 300 ms deadline: on a loaded machine the publish may take a while to
            // reach the sink, and one that arrives after the hang is answered in time.
            HangingSink.hangFor(Duration.ofMillis(3000));
            try {
                assertError(publish(withHangingSink, TEST, event), 500, HangingSink.NAME, "No acknowledgement within 300 ms");
            } finally {
                HangingSink.heal();
            }
            await(() -> HangingSink.received().containsKey(id), "the late sink stores the event after the answer");

            assertEquals(202, publish(withHangingSink, TEST, event).statusCode());

            assertEquals(2, HangingSink.received().get(id), "the late sink got the retry too: it was not recorded");
            assertEquals(1, kafkaCopies(withHangingSink, TEST, id), "Kafka acknowledged in time: recorded, not sent again");
        }
    }

    @Test
    void anAcknowledgementInMemoryExpires() {
        // 3 s: the second publish must come within the expiry even when a busy machine stalls for a second.
        try (RunningGateway shortLived = RunningGateway.start(settings(Map.of("eventgate.delivery.expiry_seconds", "3")))) {
            String id = Events.id();
            String event = Events.test(id);
            assertEquals(202, publish(shortLived, TEST, event).statusCode());
            assertEquals(202, publish(shortLived, TEST, event).statusCode());
            assertEquals(1, kafkaCopies(shortLived, TEST, id), "within the expiry");

            DeliveryLedger ledger = ledger(shortLived);
            await(() -> !ledger.hasAcknowledged(TEST, id, "kafka"), "the acknowledgement expires");
            assertEquals(202, publish(shortLived, TEST, event).statusCode());
            assertEquals(2, kafkaCopies(shortLived, TEST, id), "after the expiry the event is delivered again");
        }
    }

    @Test
    void twoInstancesShareTheJdbcRepository() {
        try (RunningGateway first = RunningGateway.start(jdbc(Map.of()));
             RunningGateway second = RunningGateway.start(jdbc(Map.of()))) {
            String id = Events.id();
            String event = Events.test(id);
            assertEquals(202, publish(first, TEST, event).statusCode());
            assertEquals(List.of("archive", "kafka", "postgres"), acknowledgedRows(id));

            HttpResponse<String> retry = publish(second, TEST, event);

            assertEquals(202, retry.statusCode(), retry.body());
            assertEquals(1, kafkaCopies(second, TEST, id), "copies in Kafka");
            assertEquals(1, archived(id), "files in the archive");
        }
    }

    @Test
    void withTheJdbcRepositoryARetryAfterPostgresWasDownGoesOnlyToPostgresOnEitherInstance() {
        try (RunningGateway first = RunningGateway.start(jdbc(Map.of()));
             RunningGateway second = RunningGateway.start(jdbc(Map.of()))) {
            String id = Events.id();
            String event = Events.test(id);
            postgres.kill();
            try {
                // The ledger's table is down with the sink: Kafka's and the archive's acknowledgements
                // are kept in the first instance's memory and written when the table is back.
                assertError(publish(first, TEST, event), 500, "postgres", "");
            } finally {
                postgres.restart();
            }
            assertEquals(202, publish(first, TEST, event).statusCode(), "the retry on the same instance");
            await(() -> acknowledgedRows(id).equals(List.of("archive", "kafka", "postgres")),
                    "the acknowledgements kept in memory are written to the table");

            assertEquals(202, publish(second, TEST, event).statusCode(), "a retry on the other instance");

            assertEquals(1, kafkaCopies(first, TEST, id), "copies in Kafka");
            assertEquals(1, rows("SELECT count(*) FROM public_cps_za_test WHERE event_id = ?", id));
            assertEquals(1, archived(id));
        }
    }

    @Test
    void aFailingJdbcRepositoryNeverFailsAPublish() {
        try (RunningGateway broken = RunningGateway.start(jdbc(Map.of("eventgate.delivery.jdbc.table", "no_such_table")))) {
            String id = Events.id();
            String event = Events.test(id);
            HttpResponse<String> answer = publish(broken, TEST, event);
            assertEquals(202, answer.statusCode(), answer.body());
            // what this instance recorded itself it still knows
            assertEquals(202, publish(broken, TEST, event).statusCode());
            assertEquals(1, kafkaCopies(broken, TEST, id));
            assertEquals(1, archived(id));
        }
    }

    @Test
    void anAcknowledgementInTheJdbcRepositoryExpiresAndIsDeleted() {
        Map<String, String> shortLived = Map.of("eventgate.delivery.expiry_seconds", "1", "eventgate.delivery.jdbc.cleanup_seconds", "1");
        try (RunningGateway first = RunningGateway.start(jdbc(shortLived));
             RunningGateway second = RunningGateway.start(jdbc(shortLived))) {
            String id = Events.id();
            String event = Events.test(id);
            assertEquals(202, publish(first, TEST, event).statusCode());
            assertEquals(3, acknowledgedRows(id).size());

            await(() -> acknowledgedRows(id).isEmpty(), "the cleanup deletes the expired rows");
            assertEquals(202, publish(second, TEST, event).statusCode());
            assertEquals(2, kafkaCopies(second, TEST, id), "after the expiry the event is delivered again");
            assertEquals(2, archived(id));
        }
    }

    private static HttpResponse<String> publish(RunningGateway to, String topic, String event) {
        String user = topic.equals(DLCHANGE) ? "FooUser" : topic.equals(RUNS) ? "FooBarUser" : "TestUser";
        return to.post("/topics/" + topic, to.token(user), event);
    }

    private static DeliveryLedger ledger(RunningGateway of) {
        return DeliveryLedger.of(of.app().camelContext(), of.app().config());
    }

    /**
     * The records of {@code topic} that hold {@code id}: every one written before a new event (the
     * marker) that is published now and read back.
     */
    private static long kafkaCopies(RunningGateway via, String topic, String id) {
        String marker = marker(via, topic);
        var read = KafkaRecords.upTo(bootstrap, topic, r -> r.value().contains(marker), Duration.ofSeconds(10));
        assertTrue(read.get(read.size() - 1).value().contains(marker), "the marker is in " + topic);
        return read.stream().filter(r -> r.value().contains(id)).count();
    }

    /** Publishes a new event to {@code topic} and returns its id. */
    private static String marker(RunningGateway via, String topic) {
        String id = Events.id();
        String event = topic.equals(DLCHANGE) ? Events.dlchange(id)
                : topic.equals(RUNS) ? Events.runs(id, "spark", "dev", "DLAK").replace("spark-123", "marker-" + id)
                : Events.test(id);
        assertEquals(202, publish(via, topic, event).statusCode());
        return id;
    }

    private static long archived(String id) {
        try (Stream<Path> files = Files.walk(archive)) {
            return files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return Files.readString(f).contains(id);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long rows(String sql, String id) {
        return postgres.count(sql, id);
    }

    /** The sinks whose acknowledgement of the test event {@code id} is in the shared table, sorted. */
    private static List<String> acknowledgedRows(String id) {
        try (Connection c = postgres.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT processorName FROM eventgate_delivery_acks WHERE messageId = ? ORDER BY processorName")) {
            s.setString(1, TEST + "/" + id);
            try (ResultSet r = s.executeQuery()) {
                List<String> names = new java.util.ArrayList<>();
                while (r.next()) {
                    names.add(r.getString(1));
                }
                return names;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
