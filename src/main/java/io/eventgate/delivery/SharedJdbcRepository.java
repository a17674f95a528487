package io.eventgate.delivery;

import io.eventgate.sinks.postgres.PostgresErrors;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One sink's acknowledgements in a table that several EventGate instances share (camel-sql's
 * {@link JdbcMessageIdRepository}, processor name = the sink), in front of which each instance keeps
 * what it recorded itself in memory ({@link ExpiringMemoryRepository}).
 *
 * <p>The database may be down, and a publish that the sinks accepted must not fail because of it
 * (that would make the client send the event again, to every sink). So nothing here throws:
 * <ul>
 *   <li>a look-up that fails counts as "not acknowledged" (the event goes to the sink again: a
 *       duplicate at worst, never a loss), unless this instance recorded the key itself;</li>
 *   <li>a record that fails is kept in memory, so that a retry to this instance is still safe, and
 *       queued (at most {@code maxUnwritten} keys) to be written by {@link #flush()} once the database
 *       answers again.</li>
 * </ul>
 * After a failure the table is left alone for {@link Availability#retryNanos}, so that only the first
 * publish after an outage waits for the connection timeout.
 *
 * <p>A batch of events is looked up and recorded with one statement for all its keys
 * ({@link #containsAll}, {@link #addAll}, {@link AcknowledgementTable}), with the same guarantees; the
 * keys queued while the table was down are written the same way, {@value #FLUSH_CHUNK} per statement.
 */
final class SharedJdbcRepository implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(SharedJdbcRepository.class);
    /** At most this many queued keys per statement of {@link #flush()}. */
    static final int FLUSH_CHUNK = 500;

    private final String sink;
    private final ExpiringMemoryRepository local;
    private final JdbcMessageIdRepository shared;
    private final AcknowledgementTable table;
    private final Availability database;
    private final int maxUnwritten;
    private final ConcurrentLinkedDeque<String> unwritten = new ConcurrentLinkedDeque<>();
    private final AtomicInteger unwrittenCount = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

    SharedJdbcRepository(String sink, ExpiringMemoryRepository local, JdbcMessageIdRepository shared,
                         AcknowledgementTable table, Availability database, int maxUnwritten) {
        this.sink = sink;
        this.local = local;
        this.shared = shared;
        this.table = table;
        this.database = database;
        this.maxUnwritten = maxUnwritten;
    }

    @Override
    public boolean contains(String key) {
        if (local.contains(key)) {
            return true;
        }
        if (!database.available()) {
            return false;
        }
        try {
            boolean found = shared.contains(key);
            database.succeeded();
            return found;
        } catch (RuntimeException e) {
            database.failed(e);
            return false;
        }
    }

    @Override
    public boolean add(String key) {
        boolean added = local.add(key);
        if (!database.available() || !write(key)) {
            queue(key);
        }
        return added;
    }

    /**
     * Of {@code keys}, those acknowledged: the ones this instance recorded, and of the others those the
     * table holds, asked in one query (none when memory knows them all). When the table fails, or is
     * left alone after a failure, only memory answers, as {@link #contains} does.
     */
    Set<String> containsAll(Collection<String> keys) {
        Set<String> found = new HashSet<>();
        Set<String> ask = new LinkedHashSet<>();
        for (String key : keys) {
            if (local.contains(key)) {
                found.add(key);
            } else {
                ask.add(key);
            }
        }
        if (ask.isEmpty() || !database.available()) {
            return found;
        }
        try {
            found.addAll(table.acknowledged(sink, ask));
            database.succeeded();
        } catch (RuntimeException e) {
            database.failed(e);
        }
        return found;
    }

    /**
     * Records {@code keys} in memory, then in the table with one insert; when the table fails (or is
     * left alone after a failure) they are queued for {@link #flush()}, as {@link #add} does.
     */
    void addAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        for (String key : keys) {
            local.add(key);
        }
        if (!database.available() || !writeAll(keys)) {
            keys.forEach(this::queue);
        }
    }

    /** Writes the keys that could not be written before; false when the database failed again. */
    boolean flush() {
        while (true) {
            List<String> chunk = new ArrayList<>();
            String key;
            while (chunk.size() < FLUSH_CHUNK && (key = unwritten.pollFirst()) != null) {
                chunk.add(key);
            }
            if (chunk.isEmpty()) {
                break;
            }
            unwrittenCount.addAndGet(-chunk.size());
            if (!writeAll(chunk)) {
                for (int i = chunk.size() - 1; i >= 0; i--) {
                    unwritten.offerFirst(chunk.get(i));
                }
                unwrittenCount.addAndGet(chunk.size());
                return false;
            }
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOG.warn("Delivery ledger: {} acknowledgement(s) of sink {} were not written to the shared table while it was "
                    + "down (more than {} waiting); a retry of those events on another instance goes to {} again", lost, sink,
                    maxUnwritten, sink);
        }
        return true;
    }

    int unwritten() {
        return unwrittenCount.get();
    }

    private boolean write(String key) {
        try {
            shared.add(key);
            database.succeeded();
            return true;
        } catch (RuntimeException e) {
            database.failed(e);
            return false;
        }
    }

    private boolean writeAll(Collection<String> keys) {
        try {
            table.record(sink, keys);
            database.succeeded();
            return true;
        } catch (RuntimeException e) {
            database.failed(e);
            return false;
        }
    }

    private void queue(String key) {
        if (unwrittenCount.incrementAndGet() > maxUnwritten) {
            unwrittenCount.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        unwritten.offerLast(key);
    }

    @Override
    public boolean remove(String key) {
        boolean removed = local.remove(key);
        try {
            return shared.remove(key) || removed;
        } catch (RuntimeException e) {
            database.failed(e);
            return removed;
        }
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        local.clear();
        shared.clear();
    }

    @Override
    public void start() {
        // the table is made by the migration, not here: a database that is down must not stop start-up
    }

    @Override
    public void stop() {
        local.stop();
    }

    /**
     * Whether the shared table is worth asking: after a failure it is not, for {@code retryNanos}.
     * One per database, so shared by every sink's repository.
     */
    static final class Availability {

        private final long retryNanos;
        private volatile long downUntil;
        /** Set by the one caller that saw the table fail first, cleared by the one that saw it answer: one line each. */
        private final java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();

        Availability(long retryMillis) {
            this.retryNanos = retryMillis * 1_000_000L;
        }

        boolean available() {
            return !down.get() || System.nanoTime() - downUntil >= 0;
        }

        void succeeded() {
            if (down.compareAndSet(true, false)) {
                LOG.info("Delivery ledger: the shared table answers again");
            }
        }

        void failed(RuntimeException e) {
            downUntil = System.nanoTime() + retryNanos;
            if (down.compareAndSet(false, true)) {
                LOG.warn("Delivery ledger: the shared table failed ({}); acknowledgements are kept in memory and "
                        + "written when it answers again, look-ups use memory only for {} ms",
                        // in EventGate's words: the driver's own text names the host, the user or the SQL
                        PostgresErrors.describe(e), retryNanos / 1_000_000L);
            }
        }
    }
}
