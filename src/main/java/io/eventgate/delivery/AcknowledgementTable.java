package io.eventgate.delivery;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shared table's statements for many keys at once, one statement per sink whatever the number of
 * keys: what a batch of events needs ({@link DeliveryLedger#acknowledgedSinks}, the batch publish),
 * where camel-sql's {@code JdbcMessageIdRepository} makes one query per key to look up and a query and
 * an insert per key to record.
 *
 * <p>The rows are those camel-sql reads and writes ({@code processorName}, {@code messageId},
 * {@code createdAt}, migration V1.4.0.2.2), with its meaning kept:
 * <ul>
 *   <li>a row counts while {@code createdAt} is within the expiry (the database's clock, as the
 *       per-key query and the clean-up compare);</li>
 *   <li>a record writes {@code createdAt} from this instance's clock, as camel-sql does, and leaves a
 *       row that still counts as it is; a row past the expiry is renewed (camel-sql's query finds no
 *       row, and its insert's {@code ON CONFLICT} renews it).</li>
 * </ul>
 * The keys are parameters (a {@code text[]}), never part of the SQL text; the table name is the
 * checked setting {@code delivery.jdbc.table}. The keys of an insert are sorted, so that two
 * instances recording overlapping batches lock the rows in the same order and cannot deadlock; the
 * clean-up skips the rows that an insert holds rather than wait for them, so that it cannot deadlock
 * with one either.
 * The methods throw what the driver throws: the caller ({@link SharedJdbcRepository}) decides what a
 * failure means.
 */
final class AcknowledgementTable {

    private final JdbcTemplate template;
    private final long expirySeconds;
    private final String lookUp;
    private final String record;

    AcknowledgementTable(JdbcTemplate template, String table, long expirySeconds) {
        this.template = template;
        this.expirySeconds = expirySeconds;
        this.lookUp = "SELECT messageId FROM " + table + " WHERE processorName = ? AND messageId = ANY(?)"
                + " AND createdAt > now() - (? * INTERVAL '1 second')";
        this.record = "INSERT INTO " + table + " AS acks (processorName, messageId, createdAt)"
                + " SELECT ?::varchar, k.id, ?::timestamptz FROM unnest(?::text[]) AS k(id)"
                + " ON CONFLICT (processorName, messageId) DO UPDATE SET createdAt = EXCLUDED.createdAt"
                + " WHERE acks.createdAt <= now() - (? * INTERVAL '1 second')";
    }

    /** Of {@code keys}, those that {@code sink} acknowledged within the expiry: one query. */
    Set<String> acknowledged(String sink, Collection<String> keys) {
        Set<String> found = new HashSet<>();
        if (keys.isEmpty()) {
            return found;
        }
        template.query(lookUp, statement -> {
            statement.setString(1, sink);
            statement.setArray(2, textArray(statement, keys));
            statement.setLong(3, expirySeconds);
        }, row -> {
            found.add(row.getString(1));
        });
        return found;
    }

    /** Records that {@code sink} acknowledged each of {@code keys}: one insert. */
    void record(String sink, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        // distinct (an upsert may not touch a row twice) and sorted (the same lock order everywhere)
        Set<String> sorted = new TreeSet<>(keys);
        Timestamp now = new Timestamp(System.currentTimeMillis());
        template.update(record, statement -> {
            statement.setString(1, sink);
            statement.setTimestamp(2, now);
            statement.setArray(3, textArray(statement, sorted));
            statement.setLong(4, expirySeconds);
        });
    }

    private static Array textArray(PreparedStatement statement, Collection<String> keys) throws SQLException {
        return statement.getConnection().createArrayOf("text", keys.toArray());
    }
}
