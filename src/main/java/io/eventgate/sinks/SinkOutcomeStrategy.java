package io.eventgate.sinks;

import io.eventgate.Causes;
import io.eventgate.gateway.Exchanges;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects one outcome per sink from the fan-out. A sink failed when its route left an exception or
 * set {@link Exchanges#SINK_ERROR}. The exceptions stop here, so one failing sink never hides the others.
 */
public final class SinkOutcomeStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        SinkOutcomes outcomes = newExchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class);
        String endpoint = newExchange.getProperty(Exchange.RECIPIENT_LIST_ENDPOINT, String.class);
        if (outcomes != null && endpoint != null) {
            SinkDirectory.sinkName(endpoint).ifPresent(name -> outcomes.record(name, failure(newExchange)));
        }
        newExchange.setException(null);
        return oldExchange == null ? newExchange : oldExchange;
    }

    /** The failure a sink route reported ({@link Exchanges#SINK_ERROR}) or left (an exception); null when none. */
    public static String failure(Exchange exchange) {
        String reported = exchange.getProperty(Exchanges.SINK_ERROR, String.class);
        if (reported != null) {
            return reported;
        }
        Exception exception = exchange.getException();
        if (exception == null) {
            return null;
        }
        Throwable root = Causes.root(exception);
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message;
    }
}
