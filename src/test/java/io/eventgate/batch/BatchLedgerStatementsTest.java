package io.eventgate.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch publish with the shared delivery ledger ({@code delivery.repository=jdbc}) over real HTTP,
 * the real broker and an embedded Postgres that logs every statement it executes
 * ({@code log_statement=all}): the statements on {@code eventgate_delivery_acks} are counted from
 * Postgres's own log, so what is counted is what reached the database. Two gateways share the table,
 * as two instances (or Lambda containers) would. The sinks are Kafka and Postgres.
 */
class BatchLedgerStatementsTest {

    private static final String TEST = "public.cps.za.test";
    private static final String ACKS = "eventgate_delivery_acks";
    /**
     * A statement that EventGate (its connections' application name) executed, in Postgres's log:
     * extended protocol ({@code execute <name>:}) or simple; the test's own statements are not counted.
     */
    private static final Pattern EXECUTED = Pattern.compile("^app=EventGate:LOG:\\s+(execute [^:]*|statement): ");
    private static final int SINKS = 2;

    private static Path dataDir;
    private static Path log;
    private static EmbeddedPostgres postgres;
    private static String bootstrap;
    private static RunningGateway first;
    private static RunningGateway second;

    @BeforeAll
    static void start() throws IOException {
        bootstrap = SharedKafka.bootstrapServers();
        dataDir = Files.createTempDirectory("ledger-batch-pg");
        log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("log_statement", "all")
                .setServerConfig("log_line_prefix", "app=%a:")
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        first = RunningGateway.start(settings());
        second = RunningGateway.start(settings());
    }

    @AfterAll
    static void stop() throws IOException {
        for (AutoCloseable c : new AutoCloseable[] {first, second, postgres}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        Files.deleteIfExists(log);
    }

    private static Map<String, String> settings() {
        Map<String, String> all = new HashMap<>();
        all.put("eventgate.kafka_bootstrap_server", bootstrap);
        all.put("eventgate.postgres.host", "localhost");
        all.put("eventgate.postgres.port", String.valueOf(postgres.getPort()));
        all.put("eventgate.postgres.database", "postgres");
        all.put("eventgate.postgres.user", "postgres");
        all.put("eventgate.postgres.migrate", "true");
        all.put("eventgate.postgres.connect_timeout_ms", "1000");
        all.put("eventgate.delivery.repository", "jdbc");
        all.put("eventgate.delivery.jdbc.retry_ms", "300");
        return all;
    }

    @Test
    void aBatchOf300EventsAsksTheSharedTableOncePerSinkAndRecordsOncePerSink() {
        List<String> ids = ids(300);
        long before = ledgerStatements();

        HttpResponse<String> answer = publish(first, ids);

        assertEquals(202, answer.statusCode(), answer.body());
        long statements = ledgerStatements() - before;
        // one look-up and one insert per sink, where the per-event path made 300 x 2 look-ups and
        // 300 x 2 x 2 statements to record
        assertEquals(2L * SINKS, statements, "statements on " + ACKS + " for a batch of 300 to " + SINKS + " sinks");
        assertEquals(300L * SINKS, ackRows(ids), "one row per event and sink");
        assertEquals(300L, sinkRows(ids), "one row per event in the sink's table");
    }

    @Test
    void aBatchRetriedOnAnotherInstanceAfterPostgresFailedGoesOnlyToPostgresAndLeavesOneCopyEach() throws SQLException {
        List<String> ids = ids(50);
        HttpResponse<String> partial;
        sql("ALTER TABLE public_cps_za_test RENAME TO public_cps_za_test_away");
        try {
            partial = publish(first, ids);
        } finally {
            sql("ALTER TABLE public_cps_za_test_away RENAME TO public_cps_za_test");
        }
        assertEquals(207, partial.statusCode(), partial.body());
        for (JsonNode result : json(partial.body()).get("results")) {
            assertEquals(500, result.get("statusCode").asInt(), partial.body());
            assertEquals(1, result.get("errors").size(), "only Postgres failed: " + partial.body());
            assertEquals("postgres", result.get("errors").get(0).get("type").asText(), partial.body());
        }
        assertEquals(50L, ackRows(ids), "Kafka's acknowledgements are in the shared table, Postgres's are not");

        // the other instance knows nothing in memory: what Kafka has comes from the shared table
        long before = ledgerStatements();
        HttpResponse<String> retry = publish(second, ids);
        long statements = ledgerStatements() - before;

        assertEquals(202, retry.statusCode(), retry.body());
        assertEquals(50, json(retry.body()).get("accepted").asInt(), retry.body());
        assertTrue(statements <= 2L * SINKS, statements + " statements on " + ACKS + " for the retry of 50 events");
        Map<String, Long> copies = kafkaCopies(ids);
        for (String id : ids) {
            assertEquals(1L, copies.get(id), "copies of " + id + " in Kafka: " + copies);
        }
        assertEquals(50L, sinkRows(ids), "one row per event in Postgres");
        assertEquals(50L * SINKS, ackRows(ids), "one row per event and sink in the shared table");

        HttpResponse<String> again = publish(first, ids);
        assertEquals(202, again.statusCode(), "a third send, which every sink has: " + again.body());
        assertEquals(copies, kafkaCopies(ids), "the third send wrote nothing to Kafka");
        assertEquals(50L, sinkRows(ids), "nor to Postgres");
    }

    @Test
    void aSharedTableThatFailsDuringABatchNeverFailsThePublishAndGetsTheRowsWhenItIsBack() throws SQLException {
        List<String> ids = ids(40);
        HttpResponse<String> answer;
        HttpResponse<String> retry;
        sql("ALTER TABLE " + ACKS + " RENAME TO " + ACKS + "_away");
        try {
            answer = publish(first, ids);
            // this instance recorded them itself: its retry goes nowhere, the table being away or not
            retry = publish(first, ids);
        } finally {
            sql("ALTER TABLE " + ACKS + "_away RENAME TO " + ACKS);
        }

        assertEquals(202, answer.statusCode(), answer.body());
        assertEquals(202, retry.statusCode(), retry.body());
        Map<String, Long> copies = kafkaCopies(ids);
        for (String id : ids) {
            assertEquals(1L, copies.get(id), "copies of " + id + " in Kafka: " + copies);
        }
        assertEquals(40L, sinkRows(ids), "one row per event in Postgres");
        // the acknowledgements kept in memory are written once the table answers again
        await(() -> ackRows(ids) == 40L * SINKS, "the queued acknowledgements reach the shared table");
        HttpResponse<String> elsewhere = publish(second, ids);
        assertEquals(202, elsewhere.statusCode(), elsewhere.body());
        assertEquals(copies, kafkaCopies(ids), "the other instance, asking the table, wrote nothing to Kafka");
        assertEquals(40L, sinkRows(ids), "nor to Postgres");
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> Events.id()).toList();
    }

    private static HttpResponse<String> publish(RunningGateway gateway, List<String> ids) {
        String batch = ids.stream().map(Events::test).collect(Collectors.joining(",", "[", "]"));
        return gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), batch);
    }

    /** Statements on the shared table that Postgres has logged so far. */
    private static long ledgerStatements() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(line -> line.contains(ACKS) && EXECUTED.matcher(line).find())
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Per id, the records of the test topic that hold it: every one written before a marker published now. */
    private static Map<String, Long> kafkaCopies(List<String> ids) {
        String marker = Events.id();
        assertEquals(202, first.post("/topics/" + TEST, first.token("TestUser"), Events.test(marker)).statusCode());
        var read = KafkaRecords.upTo(bootstrap, TEST, r -> r.value().contains(marker), Duration.ofSeconds(10));
        Map<String, Long> copies = new HashMap<>();
        for (String id : ids) {
            copies.put(id, read.stream().filter(r -> r.value().contains(id)).count());
        }
        return copies;
    }

    private static long ackRows(List<String> ids) {
        List<String> keys = ids.stream().map(id -> TEST + "/" + id).toList();
        return count("SELECT count(*) FROM " + ACKS + " WHERE messageId = ANY(?)", keys);
    }

    private static long sinkRows(List<String> ids) {
        return count("SELECT count(*) FROM public_cps_za_test WHERE event_id = ANY(?)", ids);
    }

    private static long count(String sql, List<String> values) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("text", values.toArray());
            s.setArray(1, array);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "within 15 s: " + what);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
