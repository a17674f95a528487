package io.eventgate.reliability;

import io.eventgate.testsupport.FakeEventBridge;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What each sink holds afterwards: per sink, event id to the number of copies. */
final class SinkContents {

    static final String TOPIC = "public.cps.za.test";
    /** The table of {@link #TOPIC} (src/main/resources/postgres/test.sql, db/migration). */
    static final String TABLE = "public_cps_za_test";
    private static final Map<String, KafkaConsumer<String, String>> CONSUMERS = new HashMap<>();

    private SinkContents() {
    }

    /** Readers of the four sinks, in report order. */
    static Map<String, Supplier<Map<String, Integer>>> readers(String bootstrap, Supplier<DataSource> postgres,
                                                               FakeEventBridge eventBridge) {
        Map<String, Supplier<Map<String, Integer>>> readers = new LinkedHashMap<>();
        readers.put("kafka", () -> kafka(bootstrap));
        readers.put("postgres", () -> postgres(postgres.get()));
        readers.put("eventbridge", () -> eventBridge(eventBridge));
        readers.put(HangingSink.NAME, HangingSink::received);
        return readers;
    }

    /**
     * Every record of {@link #TOPIC} (one partition), by its key: the event_id (conf/topic_keys.json).
     * One consumer per broker is kept for the read-backs that follow ({@link #closeConsumers}).
     */
    static synchronized Map<String, Integer> kafka(String bootstrap) {
        KafkaConsumer<String, String> consumer = CONSUMERS.computeIfAbsent(bootstrap, b -> new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000)));
        Map<String, Integer> found = new HashMap<>();
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumer.position(partition, Duration.ofSeconds(30)) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Kafka read-back did not reach offset " + end);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                String id = record.key() != null ? record.key() : HangingSink.eventId(record.value());
                found.merge(id, 1, Integer::sum);
            }
        }
        return found;
    }

    static synchronized void closeConsumers() {
        CONSUMERS.values().forEach(consumer -> consumer.close(Duration.ofSeconds(5)));
        CONSUMERS.clear();
    }

    /** Every row of {@link #TABLE}, by event_id. */
    static Map<String, Integer> postgres(DataSource dataSource) {
        Map<String, Integer> found = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT event_id, count(*) FROM " + TABLE + " GROUP BY event_id")) {
            while (rows.next()) {
                found.put(rows.getString(1), rows.getInt(2));
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return found; // not migrated yet: nothing was written
            }
            throw new IllegalStateException("Postgres read-back failed", e);
        }
        return found;
    }

    /** Every entry the fake EventBridge accepted, by the event_id in its Detail. */
    static Map<String, Integer> eventBridge(FakeEventBridge eventBridge) {
        Map<String, Integer> found = new HashMap<>();
        for (String detail : eventBridge.acceptedDetails()) {
            found.merge(HangingSink.eventId(detail), 1, Integer::sum);
        }
        return found;
    }
}
