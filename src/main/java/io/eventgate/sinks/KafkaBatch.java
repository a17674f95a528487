package io.eventgate.sinks;

import io.eventgate.gateway.Exchanges;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultExchange;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The Kafka sink's batch route ({@code routes/kafka.yaml}, {@code direct:batch-sink-kafka}): a batch
 * is one exchange whose body is a list, which camel-kafka's producer sends as one record per element,
 * all at once, and continues the route when the last callback has come. Each element is an exchange
 * of its own, with the record's topic and key as headers as in the single-event route, because
 * camel-kafka sets a failed record's exception on its element (and the last one on the whole): so
 * each event's outcome is known, not only that one of them failed.
 */
public final class KafkaBatch {

    /** The elements sent, kept to read their outcomes. */
    static final String RECORDS = "eventGateKafkaRecords";

    private KafkaBatch() {
    }

    /**
     * The body for the kafka endpoint: one exchange per event, in order, handed over within
     * {@code maxBlockMs} (the producer's {@code max.block.ms}, as routes/kafka.yaml sets it).
     */
    public static Iterable<Exchange> records(Exchange exchange, long maxBlockMs) {
        List<?> texts = exchange.getMessage().getBody(List.class);
        List<?> keys = exchange.getProperty("eventGateBatchKeys", List.class);
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        List<Exchange> records = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Exchange record = new DefaultExchange(exchange.getContext());
            record.getMessage().setBody(texts.get(i));
            record.getMessage().setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
            Object key = keys == null ? null : keys.get(i);
            if (key != null) {
                record.getMessage().setHeader(KafkaConstants.KEY, key);
            }
            records.add(record);
        }
        exchange.setProperty(RECORDS, records);
        return handedOverWithin(records, System.nanoTime() + maxBlockMs * 1_000_000);
    }

    /**
     * The records as camel-kafka iterates them, until {@code deadlineNanos}: a send blocks while the
     * producer has no metadata for the topic (up to {@code max.block.ms}, and again for each record when
     * the broker is away), so without a bound one batch could hold its thread for as many times that as
     * it has records. The records not handed over by then are not sent, and fail ({@link #outcomes}).
     */
    static Iterable<Exchange> handedOverWithin(List<Exchange> records, long deadlineNanos) {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < records.size() && (next == 0 || System.nanoTime() - deadlineNanos < 0);
            }

            @Override
            public Exchange next() {
                // not the deadline again: camel-kafka asked hasNext() just before
                if (next >= records.size()) {
                    throw new NoSuchElementException();
                }
                return records.get(next++);
            }
        };
    }

    /**
     * Per event, null when the broker acknowledged its record, else the reason (as {@link KafkaErrors}
     * words it). A record counts as acknowledged only with its own record metadata and no exception:
     * when a send fails before the last record is handed over, camel-kafka stops there, and the
     * records after it were never sent.
     */
    public static List<String> outcomes(Exchange exchange) {
        List<?> records = exchange.getProperty(RECORDS, List.class);
        if (records == null) {
            return null;
        }
        Throwable whole = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        List<String> errors = new ArrayList<>(records.size());
        for (Object element : records) {
            Exchange record = (Exchange) element;
            Exception failed = record.getException();
            if (failed != null) {
                errors.add(KafkaErrors.describe(failed));
            } else if (record.getMessage().getHeader(KafkaConstants.KAFKA_RECORD_META) == null) {
                errors.add(whole != null ? KafkaErrors.describe(whole) : "no acknowledgement from Kafka");
            } else {
                errors.add(null);
            }
        }
        return errors;
    }
}
