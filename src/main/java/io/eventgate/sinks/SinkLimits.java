package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.sinks.postgres.PostgresColumns;
import io.eventgate.topics.EventReader;
import io.eventgate.topics.EventTree;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.util.List;

/**
 * The publish step just before the fan-out: an event that an active sink could not store is refused
 * here, before any sink sees it, rather than stored by some sinks and failed by the others (whose
 * 500 a client would retry, duplicating it where it was stored). A sink's limits apply only while
 * that sink is active (configured and enabled).
 * <ul>
 *   <li>{@code postgres}: the fields and types of {@code postgres/columns.properties}
 *       ({@link PostgresColumns}): 400 {@code validation}, one error per field, named by its JSON pointer;</li>
 *   <li>{@code kafka}: the record (the body, its key and the record's overhead) within the producer's
 *       {@code sinks.kafka.max_request_size}: else 413. With the defaults a body within
 *       {@code max_body_bytes} always fits; this guards a larger {@code max_body_bytes} set alone.</li>
 * </ul>
 */
public final class SinkLimits implements Processor {

    public static final String KAFKA_MAX_REQUEST_SIZE = "sinks.kafka.max_request_size";
    /** The default of {@link #KAFKA_MAX_REQUEST_SIZE} (application.properties): 2 x 1 MiB + 64 KiB. */
    public static final long DEFAULT_KAFKA_MAX_REQUEST_SIZE = 2 * 1024 * 1024 + 64 * 1024;
    /** More than a Kafka record batch of one record adds to its key and value (61 + 21 + length fields). */
    static final int KAFKA_RECORD_OVERHEAD = 128;

    private final ConfigHolder config;
    private final SinkDirectory sinks;
    private final PostgresColumns postgres = PostgresColumns.load();

    public SinkLimits(ConfigHolder config, SinkDirectory sinks) {
        this.config = config;
        this.sinks = sinks;
    }

    @Override
    public void process(Exchange exchange) {
        check(config.current(exchange), exchange.getProperty(Exchanges.TOPIC, String.class),
                exchange.getProperty(EventReader.EVENT, JsonNode.class), exchange.getMessage().getBody(String.class),
                exchange.getProperty(Exchanges.KEY, "", String.class));
    }

    /** The same for one event given by its parts under {@code in} (also each event of a batch); {@code key} empty when none. */
    public void check(EventGateConfig in, String topic, JsonNode event, String body, String key) {
        for (SinkDirectory.Sink sink : sinks.active()) {
            switch (sink.name()) {
                case "postgres" -> {
                    List<EventTree.Problem> problems = postgres.problems(topic, event);
                    if (!problems.isEmpty()) {
                        throw EventReader.refusal(problems);
                    }
                }
                case "kafka" -> checkKafkaRecord(in, body, key);
                default -> { }
            }
        }
    }

    private static void checkKafkaRecord(EventGateConfig in, String body, String key) {
        long limit = in.settings().getLong(KAFKA_MAX_REQUEST_SIZE, DEFAULT_KAFKA_MAX_REQUEST_SIZE);
        long record = utf8Length(body) + utf8Length(key) + KAFKA_RECORD_OVERHEAD;
        if (record > limit) {
            throw new GatewayException(413, "validation", "The event's Kafka record (the body and its key) would be about "
                    + record + " bytes; the Kafka sink sends at most " + limit + " (" + KAFKA_MAX_REQUEST_SIZE + ")");
        }
    }

    /** The length of {@code text} in UTF-8, without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
