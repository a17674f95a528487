package io.eventgate.hostile;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads back what the sinks hold: every record of each Kafka topic (one consumer per topic that
 * reads on from where it stopped, so that a case costs a poll, not a new consumer), and the rows of
 * every Postgres table that the sink writes, looked up by an event's id.
 */
final class SinkReadBack implements AutoCloseable {

    /** Every table the Postgres sink writes, by the column that holds an event's (or a job's) id. */
    private static final String ROWS_HOLDING = """
            SELECT (SELECT count(*) FROM public_cps_za_test WHERE event_id = ?)
                 + (SELECT count(*) FROM public_cps_za_dlchange WHERE event_id = ?)
                 + (SELECT count(*) FROM public_cps_za_runs WHERE event_id = ?)
                 + (SELECT count(*) FROM public_cps_za_runs_jobs WHERE event_id = ?)
                 + (SELECT count(*) FROM public_cps_za_status_change_aggregated_job WHERE job_id::text = ?)""";

    private final String bootstrap;
    private final DataSource database;
    private final Map<String, KafkaConsumer<String, String>> consumers = new HashMap<>();
    private final Map<String, List<String>> values = new HashMap<>();

    SinkReadBack(String bootstrap, DataSource database) {
        this.bootstrap = bootstrap;
        this.database = database;
    }

    /**
     * That {@code acceptedId}, an event accepted after the refusal of {@code refusedId}, is in
     * {@code topic}, and that nothing holding {@code refusedId} is in it before (one producer per front
     * door, one partition: what the refused request had written would be there first).
     */
    void assertKafkaAbsentBefore(String topic, String refusedId, String acceptedId) {
        List<String> read = readThrough(topic, acceptedId, Duration.ofSeconds(10));
        assertTrue(read.stream().anyMatch(v -> v.contains(acceptedId)),
                "the event accepted after the refusal, " + acceptedId + ", is not in " + topic);
        assertTrue(read.stream().noneMatch(v -> v.contains(refusedId)), "the refused event " + refusedId + " is in " + topic);
    }

    /** That one record of {@code topic} holds {@code id}, once it has come. */
    void assertKafkaHoldsOnce(String topic, String id) {
        List<String> read = readThrough(topic, id, Duration.ofSeconds(10));
        assertEquals(1, read.stream().filter(v -> v.contains(id)).count(), "records of " + id + " in " + topic);
    }

    /** Every record of {@code topic} so far, reading on until one holds {@code until} or {@code wait} is over. */
    private List<String> readThrough(String topic, String until, Duration wait) {
        List<String> seen = values.computeIfAbsent(topic, t -> new ArrayList<>());
        KafkaConsumer<String, String> consumer = consumers.computeIfAbsent(topic, this::consumer);
        long deadline = System.nanoTime() + wait.toNanos();
        while (seen.stream().noneMatch(v -> v.contains(until)) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                seen.add(record.value());
            }
        }
        return seen;
    }

    /** Reads {@code topic} to its end now (for a last sweep): what was written late is seen too. */
    List<String> readAll(String topic) {
        List<String> seen = values.computeIfAbsent(topic, t -> new ArrayList<>());
        KafkaConsumer<String, String> consumer = consumers.computeIfAbsent(topic, this::consumer);
        TopicPartition partition = new TopicPartition(topic, 0);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (consumer.position(partition) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                seen.add(record.value());
            }
        }
        return seen;
    }

    private KafkaConsumer<String, String> consumer(String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024));
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    /** The Postgres rows, in any table the sink writes, that hold {@code id} as their event's or job's id. */
    long postgresRowsHolding(String id) {
        try (Connection connection = database.getConnection();
             PreparedStatement statement = connection.prepareStatement(ROWS_HOLDING)) {
            for (int i = 1; i <= 5; i++) {
                statement.setString(i, id);
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    void assertPostgresAbsent(String refusedId) {
        assertEquals(0, postgresRowsHolding(refusedId), "rows of the refused event " + refusedId + " in Postgres");
    }

    void assertPostgresPresent(String acceptedId) {
        assertTrue(postgresRowsHolding(acceptedId) > 0, "the accepted event " + acceptedId + " is not in Postgres");
    }

    @Override
    public void close() {
        consumers.values().forEach(KafkaConsumer::close);
    }
}
