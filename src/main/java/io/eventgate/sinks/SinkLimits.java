package io.eventgate.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
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
 *       ({@link PostgresColumns}): 400 {@code validation}, one error per field, named by its JSON pointer.</li>
 * </ul>
 */
public final class SinkLimits implements Processor {

    private final ConfigHolder config;
    private final SinkDirectory sinks;
    private final PostgresColumns postgres = PostgresColumns.load();

    public SinkLimits(ConfigHolder config, SinkDirectory sinks) {
        this.config = config;
        this.sinks = sinks;
    }

    @Override
    public void process(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        for (SinkDirectory.Sink sink : sinks.active()) {
            switch (sink.name()) {
                case "postgres" -> {
                    List<EventTree.Problem> problems = postgres.problems(topic, exchange.getProperty(EventReader.EVENT, JsonNode.class));
                    if (!problems.isEmpty()) {
                        throw EventReader.refusal(problems);
                    }
                }
                default -> { }
            }
        }
    }
}
