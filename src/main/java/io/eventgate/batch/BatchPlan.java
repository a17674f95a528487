package io.eventgate.batch;

import io.eventgate.sinks.SinkDirectory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of a batch's valid events go to which sink: the one place that decides it. Today every
 * valid event goes to every active sink. A sink that already holds an event (retry-safe delivery)
 * would be left out of that event's list here, and an event left with no sink is accepted as is.
 */
public final class BatchPlan {

    private BatchPlan() {
    }

    /** Per active sink, in sink order, the valid events to send to it, in array order. */
    public static Map<SinkDirectory.Sink, List<BatchEvent>> sinksPerEvent(List<BatchEvent> events,
                                                                         List<SinkDirectory.Sink> active) {
        Map<SinkDirectory.Sink, List<BatchEvent>> plan = new LinkedHashMap<>();
        for (SinkDirectory.Sink sink : active) {
            plan.put(sink, new ArrayList<>(events.size()));
        }
        for (BatchEvent event : events) {
            if (!event.valid()) {
                continue;
            }
            for (SinkDirectory.Sink sink : sinksFor(event, active)) {
                plan.get(sink).add(event);
            }
        }
        return plan;
    }

    /** The sinks that {@code event} must still reach. */
    static List<SinkDirectory.Sink> sinksFor(BatchEvent event, List<SinkDirectory.Sink> active) {
        return active;
    }
}
