package io.eventgate.delivery;

import io.eventgate.config.ConfigHolder;
import io.eventgate.testsupport.CapturedLog;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Found in review: the periodic clean-up deleted expired rows in scan order, and a batch that renews
 * those expired rows locks them in key order, so the two could deadlock (Postgres then aborts one; if
 * it was the batch, the shared table counted as down for every sink). The clean-up now skips the rows
 * a batch holds. Triggers only slow each row down (pg_sleep) so that the two statements overlap.
 */
class LedgerCleanupDeadlockTest {

    @Test
    void theCleanUpAndABatchRenewingExpiredRowsDoNotDeadlock() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            ConfigHolder config = AcknowledgementTableTest.jdbcLedger(postgres, "eventgate.delivery.jdbc.timeout_ms", "10000");
            try (DefaultCamelContext context = new DefaultCamelContext()) {
                context.start();
                DeliveryLedger ledger = DeliveryLedger.of(context, config);
                ledger.acknowledged("t", List.of("warm-up"), "kafka"); // the table exists (migration ran)
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
                    s.execute("CREATE FUNCTION slow() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(0.5); RETURN COALESCE(NEW, OLD); END $$ LANGUAGE plpgsql");
                    s.execute("CREATE TRIGGER slow BEFORE DELETE OR UPDATE ON eventgate_delivery_acks FOR EACH ROW EXECUTE FUNCTION slow()");
                    s.execute("DELETE FROM eventgate_delivery_acks");
                }
                // 'b' first on disk and older, so the clean-up meets it first; the batch sorts: 'a' first
                insert(postgres, "t/b", new Timestamp(System.currentTimeMillis() - 3 * 3_600_000));
                insert(postgres, "t/a", new Timestamp(System.currentTimeMillis() - 2 * 3_600_000));

                CapturedLog log = CapturedLog.start();
                CompletableFuture<Void> cleanup = CompletableFuture.runAsync(ledger::cleanupExpired);
                ledger.acknowledged("t", List.of("b", "a"), "kafka"); // a retry of the batch, after the expiry
                cleanup.get(30, TimeUnit.SECONDS);
                log.close();
                assertEquals(List.of(), log.lines("the shared table failed"), "neither statement was a deadlock's victim");
                assertEquals(0, ledger.unwritten(), "the batch's acknowledgements were written, not queued");
                try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement();
                     java.sql.ResultSet rows = s.executeQuery("SELECT count(*) FROM eventgate_delivery_acks"
                             + " WHERE createdAt > now() - INTERVAL '3600 seconds'")) {
                    rows.next();
                    assertEquals(2, rows.getInt(1), "both acknowledgements are in the table, renewed");
                }
            }
        }
    }

    private static void insert(EmbeddedPostgres postgres, String key, Timestamp createdAt) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO eventgate_delivery_acks (processorName, messageId, createdAt) VALUES ('kafka', ?, ?)")) {
            s.setString(1, key);
            s.setTimestamp(2, createdAt);
            s.executeUpdate();
        }
    }
}
