package io.eventgate.testsupport;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads back what landed in the broker. */
public final class KafkaRecords {

    private KafkaRecords() {
    }

    /** The first record of {@code topic} (partition 0, from the start) that matches, waiting up to {@code wait}. */
    public static Optional<ConsumerRecord<String, String>> find(String bootstrap, String topic,
                                                                Predicate<ConsumerRecord<String, String>> match,
                                                                Duration wait) {
        return find(bootstrap, Map.of(), topic, match, wait);
    }

    /** As {@link #find(String, String, Predicate, Duration)}, with these client properties too (e.g. TLS, SASL). */
    public static Optional<ConsumerRecord<String, String>> find(String bootstrap, Map<String, Object> security, String topic,
                                                                Predicate<ConsumerRecord<String, String>> match,
                                                                Duration wait) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>(1);
        read(bootstrap, security, topic, wait, record -> match.test(record) && found.add(record));
        return found.stream().findFirst();
    }

    /**
     * The records of {@code topic} (partition 0, from the start) up to and with the first that matches;
     * all those read when none matched within {@code wait}. A record that is not among them was
     * written after the match (one producer, one partition), if at all.
     */
    public static List<ConsumerRecord<String, String>> upTo(String bootstrap, String topic,
                                                            Predicate<ConsumerRecord<String, String>> match,
                                                            Duration wait) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        read(bootstrap, Map.of(), topic, wait, record -> read.add(record) && match.test(record));
        return read;
    }

    /**
     * That nothing holding {@code refusedId} reached {@code topic} before the record holding
     * {@code acceptedId}, an event accepted after the refusal: it must be there, and so anything
     * written before it has been read.
     */
    public static void assertAbsentBefore(String bootstrap, String topic, String refusedId, String acceptedId) {
        List<ConsumerRecord<String, String>> read = upTo(bootstrap, topic, r -> r.value().contains(acceptedId), Duration.ofSeconds(10));
        assertFalse(read.isEmpty() || !read.get(read.size() - 1).value().contains(acceptedId),
                "the event accepted after the refusal, " + acceptedId + ", is not in " + topic);
        assertTrue(read.stream().noneMatch(r -> r.value().contains(refusedId)), "the refused event " + refusedId + " is in " + topic);
    }

    /** Hands {@code last} the records of partition 0 in order, until it answers true or {@code wait} is over. */
    private static void read(String bootstrap, Map<String, Object> security, String topic, Duration wait,
                             Predicate<ConsumerRecord<String, String>> last) {
        Map<String, Object> props = new HashMap<>(security);
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (last.test(record)) {
                        return;
                    }
                }
            }
        }
    }
}
