package io.eventgate.metrics;

import io.eventgate.gateway.Responses;

import java.util.List;

/**
 * A batch publish as the metrics count it: one answer per event. The batch route leaves it on the
 * exchange ({@link #PROPERTY}); when the request is answered 202 or 207, {@link GatewayMetrics}
 * counts each event in {@code eventgate_events_total} by its own status, and each sink that failed it
 * in {@code eventgate_sink_failures_total}, instead of counting the request once.
 */
public interface BatchCounts {

    String PROPERTY = "eventGateBatchOutcomes";

    /** Calls {@code visitor} once per event, in array order. */
    void forEachEvent(EventVisitor visitor);

    /** One event's answer. */
    interface EventVisitor {
        /**
         * @param status     202, the refusal's 400/403/413, or 500
         * @param errorType  the refusal's error type; null when accepted or failed in a sink
         * @param sinkErrors one per sink that did not acknowledge it (500); empty otherwise
         */
        void event(int status, String errorType, List<Responses.Error> sinkErrors);
    }
}
