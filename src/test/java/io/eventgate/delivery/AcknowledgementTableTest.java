package io.eventgate.delivery;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.testsupport.ExampleConf;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ledger's batch path ({@link DeliveryLedger#acknowledgedSinks}, {@link DeliveryLedger#acknowledged(String,
 * java.util.Collection, String)}) on a real (embedded) Postgres, next to the per-event path, which is
 * camel-sql's {@code JdbcMessageIdRepository}: each reads what the other wrote, and both treat a row
 * past the expiry, and a row within it, alike. Two ledgers on two Camel contexts are two instances;
 * each starts with an empty memory, so what one knows of the other's records comes from the table.
 */
class AcknowledgementTableTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final List<SinkDirectory.Sink> SINKS = List.of(sink("kafka"), sink("postgres"));

    private static EmbeddedPostgres postgres;
    private static ConfigHolder config;
    private DefaultCamelContext firstContext;
    private DefaultCamelContext secondContext;
    private DeliveryLedger first;
    private DeliveryLedger second;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        config = jdbcLedger(postgres);
    }

    /**
     * The example configuration with the {@code jdbc} ledger on {@code postgres} (migrated, expiry
     * 3600 s), and these settings ({@code "eventgate.<key>", value, ...}) on top.
     */
    static ConfigHolder jdbcLedger(EmbeddedPostgres postgres, String... more) {
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", DevTokens.create().keysUrl());
        system.setProperty("eventgate.postgres.host", "localhost");
        system.setProperty("eventgate.postgres.port", String.valueOf(postgres.getPort()));
        system.setProperty("eventgate.postgres.database", "postgres");
        system.setProperty("eventgate.postgres.user", "postgres");
        system.setProperty("eventgate.postgres.migrate", "true");
        system.setProperty("eventgate.delivery.repository", "jdbc");
        system.setProperty("eventgate.delivery.expiry_seconds", "3600");
        for (int i = 0; i + 1 < more.length; i += 2) {
            system.setProperty(more[i], more[i + 1]);
        }
        return new ConfigHolder(new ConfigLoader(ExampleConf.copy(), Map.of(), system, ConfigReader.LOCAL_ONLY)::load);
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    @BeforeEach
    void startLedgers() {
        firstContext = new DefaultCamelContext();
        firstContext.start();
        first = DeliveryLedger.of(firstContext, config);
        secondContext = new DefaultCamelContext();
        secondContext.start();
        second = DeliveryLedger.of(secondContext, config);
    }

    @AfterEach
    void stopLedgers() throws IOException {
        firstContext.close();
        secondContext.close();
    }

    @Test
    void whatABatchRecordsThePerEventPathReadsAndTheOtherWayRound() {
        List<String> ids = ids(20);
        String longId = "x".repeat(200);
        List<String> recorded = new java.util.ArrayList<>(ids);
        recorded.add(longId);
        recorded.add(ids.get(0)); // twice in one batch: one row

        first.acknowledged(TOPIC, recorded, "kafka");
        second.acknowledged(TOPIC, ids.get(1), "postgres");

        for (String id : ids) {
            assertTrue(second.hasAcknowledged(TOPIC, id, "kafka"), "the per-event path reads the batch's row of " + id);
        }
        assertTrue(second.hasAcknowledged(TOPIC, longId, "kafka"), "a long id is kept as the same digest");
        assertEquals(21L, rows(recorded), "one row per distinct event");
        Map<String, Set<String>> known = first.acknowledgedSinks(TOPIC, ids, SINKS);
        assertEquals(Set.of("kafka", "postgres"), known.get(ids.get(1)), "the batch path reads the per-event path's row");
        assertEquals(Set.of("kafka"), known.get(ids.get(2)));
        assertEquals(20, known.size());
        Map<String, Set<String>> fresh = second.acknowledgedSinks(TOPIC, ids(5), SINKS);
        assertTrue(fresh.isEmpty(), "events no sink has are absent: " + fresh);
    }

    @Test
    void aRowPastTheExpiryDoesNotCountAndIsRenewedWhileARowWithinItIsLeftAsItIs() throws SQLException {
        String expiredForBatch = UUID.randomUUID().toString();
        String expiredForCamel = UUID.randomUUID().toString();
        String liveForBatch = UUID.randomUUID().toString();
        String liveForCamel = UUID.randomUUID().toString();
        Timestamp twoHoursAgo = new Timestamp(System.currentTimeMillis() - 7_200_000);
        Timestamp tenMinutesAgo = new Timestamp(System.currentTimeMillis() - 600_000);
        insert(expiredForBatch, twoHoursAgo);
        insert(expiredForCamel, twoHoursAgo);
        insert(liveForBatch, tenMinutesAgo);
        insert(liveForCamel, tenMinutesAgo);

        Map<String, Set<String>> known = first.acknowledgedSinks(TOPIC,
                List.of(expiredForBatch, expiredForCamel, liveForBatch, liveForCamel), SINKS);
        assertEquals(Set.of(liveForBatch, liveForCamel), known.keySet(), "only the rows within the expiry count");
        assertFalse(second.hasAcknowledged(TOPIC, expiredForCamel, "kafka"), "nor for the per-event path");

        first.acknowledged(TOPIC, List.of(expiredForBatch, liveForBatch), "kafka");
        second.acknowledged(TOPIC, expiredForCamel, "kafka");
        second.acknowledged(TOPIC, liveForCamel, "kafka");

        assertNotEquals(twoHoursAgo, createdAt(expiredForBatch), "the batch renews an expired row");
        assertNotEquals(twoHoursAgo, createdAt(expiredForCamel), "as camel-sql does");
        assertTrue(createdAt(expiredForBatch).getTime() > System.currentTimeMillis() - 60_000, "to this instance's now");
        assertEquals(tenMinutesAgo, createdAt(liveForBatch), "the batch leaves a row within the expiry as it is");
        assertEquals(tenMinutesAgo, createdAt(liveForCamel), "as camel-sql does");
        assertTrue(second.hasAcknowledged(TOPIC, expiredForBatch, "kafka"));
    }

    private static SinkDirectory.Sink sink(String name) {
        return new SinkDirectory.Sink(name, "direct:sink-" + name, List.of(), 5000);
    }

    private static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> UUID.randomUUID().toString()).toList();
    }

    private static long rows(List<String> ids) {
        long rows = 0;
        for (String key : new java.util.HashSet<>(ids.stream().map(id -> DeliveryLedger.key(TOPIC, id)).toList())) {
            rows += query("SELECT count(*) FROM eventgate_delivery_acks WHERE processorName = 'kafka' AND messageId = ?",
                    key, r -> r.getLong(1));
        }
        return rows;
    }

    private static Timestamp createdAt(String id) {
        return query("SELECT createdAt FROM eventgate_delivery_acks WHERE processorName = 'kafka' AND messageId = ?",
                DeliveryLedger.key(TOPIC, id), r -> r.getTimestamp(1));
    }

    private static void insert(String id, Timestamp createdAt) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO eventgate_delivery_acks (processorName, messageId, createdAt) VALUES ('kafka', ?, ?)")) {
            s.setString(1, DeliveryLedger.key(TOPIC, id));
            s.setTimestamp(2, createdAt);
            s.executeUpdate();
        }
    }

    private interface Column<T> {
        T read(ResultSet row) throws SQLException;
    }

    private static <T> T query(String sql, String parameter, Column<T> column) {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, parameter);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "a row for " + parameter);
                return column.read(r);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
