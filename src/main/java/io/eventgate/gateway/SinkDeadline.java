package io.eventgate.gateway;

import io.eventgate.batch.BatchPublish;
import io.eventgate.batch.Delivery;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkOutcomes;
import org.apache.camel.Exchange;
import org.apache.camel.Route;

import java.util.Optional;

/**
 * A sink's deadline for the event on an exchange, and what is left of it, counted from the fan-out:
 * so that a sink route can give its call only the time that is left once the event has waited (for a
 * thread of the sink's pool, say), and make no call that would end after the gateway stopped waiting.
 * The sink is the one whose route runs ({@code sink-<name>}, as {@code ${routeId}} gives it), so a
 * YAML copy of a sink route under another name counts its own deadline.
 */
public final class SinkDeadline {

    /** @param timeoutMs the sink's deadline; @param remainingMs what is left of it now, 0 once it is gone */
    public record Left(long timeoutMs, long remainingMs) {
    }

    private SinkDeadline() {
    }

    /**
     * The deadline of the sink whose route is {@code routeId}, for the event on {@code exchange}: a
     * single publish's ({@link Exchanges#OUTCOMES}), or a batch's share sent one event at a time
     * ({@link BatchPublish#DELIVERY}); null when the exchange comes from neither (a route called on
     * its own), or the route is not one of the event's sinks. The sink is named as the directory
     * names it, by the route's {@code from: direct:sink-<name>}, whatever the route's id.
     */
    public static Left of(Exchange exchange, String routeId) {
        if (exchange == null) {
            return null;
        }
        String sink = sinkName(exchange, routeId);
        if (sink == null) {
            return null;
        }
        SinkOutcomes outcomes = exchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class);
        if (outcomes != null) {
            return outcomes.deadline(sink);
        }
        Delivery delivery = exchange.getProperty(BatchPublish.DELIVERY, Delivery.class);
        return delivery == null || !delivery.sink().name().equals(sink) ? null
                : new Left(delivery.sink().timeoutMs(), delivery.remainingMs());
    }

    /** The sink of the route {@code routeId}: from its {@code from:} endpoint, else from a {@code sink-<name>} id. */
    private static String sinkName(Exchange exchange, String routeId) {
        if (routeId == null) {
            return null;
        }
        Route route = exchange.getContext().getRoute(routeId);
        Optional<String> named = route == null || route.getEndpoint() == null ? Optional.empty()
                : SinkDirectory.sinkName(route.getEndpoint().getEndpointUri());
        // no such route here (a test's exchange): an id of the form sink-<name> names it the same way
        return named.or(() -> SinkDirectory.sinkName("direct:" + routeId)).orElse(null);
    }
}
