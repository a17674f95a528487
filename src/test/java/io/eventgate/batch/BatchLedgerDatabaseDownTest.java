package io.eventgate.batch;

import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.KafkaRecords;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.eventgate.testsupport.Answers.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The database of the shared delivery ledger ({@code delivery.repository=jdbc}) is stopped, with the
 * Postgres sink off (Kafka only), so that only the ledger needs it: a batch still answers 202 and
 * reaches Kafka once per event, a retry of it to the same instance writes nothing again (what it
 * recorded is in its memory), and once the database is started again the acknowledgements it kept
 * reach the table. Real HTTP, the real broker, an embedded Postgres stopped and started on the same
 * port and data directory.
 */
class BatchLedgerDatabaseDownTest {

    private static final String TEST = "public.cps.za.test";

    @Test
    void aBatchWhileTheLedgersDatabaseIsDownIsAcceptedAndItsAcknowledgementsAreWrittenWhenItIsBack() throws Exception {
        Path dir = Files.createTempDirectory("ledger-down-pg");
        EmbeddedPostgres postgres = builder(dir).start();
        int port = postgres.getPort();
        String bootstrap = SharedKafka.bootstrapServers();
        Map<String, String> settings = new HashMap<>();
        settings.put("eventgate.kafka_bootstrap_server", bootstrap);
        settings.put("eventgate.postgres.host", "localhost");
        settings.put("eventgate.postgres.port", String.valueOf(port));
        settings.put("eventgate.postgres.database", "postgres");
        settings.put("eventgate.postgres.user", "postgres");
        settings.put("eventgate.postgres.migrate", "true");
        settings.put("eventgate.postgres.connect_timeout_ms", "500");
        settings.put("eventgate.sinks.postgres.enabled", "false");
        settings.put("eventgate.delivery.repository", "jdbc");
        settings.put("eventgate.delivery.jdbc.retry_ms", "300");
        try (RunningGateway gateway = RunningGateway.start(settings)) {
            List<String> before = ids(20);
            assertEquals(202, publish(gateway, before).statusCode());
            assertEquals(20L, ackRows(postgres, before), "the table answers: one row per event");

            postgres.close();
            List<String> ids = ids(30);
            HttpResponse<String> answer = publish(gateway, ids);
            HttpResponse<String> retry = publish(gateway, ids);

            assertEquals(202, answer.statusCode(), "the ledger's database is down: " + answer.body());
            assertEquals(30, json(answer.body()).get("accepted").asInt(), answer.body());
            assertEquals(202, retry.statusCode(), retry.body());
            Map<String, Long> copies = kafkaCopies(gateway, bootstrap, ids);
            for (String id : ids) {
                assertEquals(1L, copies.get(id), "copies of " + id + " in Kafka (the retry wrote none): " + copies);
            }

            postgres = builder(dir).setPort(port).start();
            EmbeddedPostgres back = postgres;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (ackRows(back, ids) < 30L) {
                assertTrue(System.nanoTime() < deadline, "within 20 s the kept acknowledgements reach the table: "
                        + ackRows(back, ids) + " of 30");
                Thread.sleep(50);
            }
        } finally {
            try {
                postgres.close(); // a second close of a stopped one only logs
            } catch (IOException | RuntimeException ignored) {
                // best effort
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temporary folder is harmless
            }
        }
    }

    private static EmbeddedPostgres.Builder builder(Path dir) {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false);
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> Events.id()).toList();
    }

    private static HttpResponse<String> publish(RunningGateway gateway, List<String> ids) {
        String batch = ids.stream().map(Events::test).collect(Collectors.joining(",", "[", "]"));
        return gateway.post("/topics/" + TEST + "/batch", gateway.token("TestUser"), batch);
    }

    /** Per id, the records of the test topic that hold it, up to a marker published now. */
    private static Map<String, Long> kafkaCopies(RunningGateway gateway, String bootstrap, List<String> ids) {
        String marker = Events.id();
        assertEquals(202, gateway.post("/topics/" + TEST, gateway.token("TestUser"), Events.test(marker)).statusCode());
        var read = KafkaRecords.upTo(bootstrap, TEST, r -> r.value().contains(marker), Duration.ofSeconds(10));
        return ids.stream().collect(Collectors.toMap(id -> id, id -> read.stream().filter(r -> r.value().contains(id)).count()));
    }

    private static long ackRows(EmbeddedPostgres postgres, List<String> ids) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM eventgate_delivery_acks WHERE processorName = 'kafka' AND messageId = ANY(?)")) {
            s.setArray(1, c.createArrayOf("text", ids.stream().map(id -> TEST + "/" + id).toArray()));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
