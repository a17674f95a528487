package io.eventgate.batch;

import io.eventgate.sinks.SinkDirectory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Which of a batch's valid events go to which sink: the one place that decides it. Every valid event
 * goes to every active sink except those that already acknowledged it (retry-safe delivery,
 * {@link BatchLedger}); an event left with no sink is accepted as is.
 */
public final class BatchPlan {

    private BatchPlan() {
    }

    /** Per active sink, in sink order, the valid events to send to it, in array order. */
    public static Map<SinkDirectory.Sink, List<BatchEvent>> sinksPerEvent(List<BatchEvent> events,
                                                                         List<SinkDirectory.Sink> active,
                                                                         IntFunction<Set<String>> acknowledged) {
        Map<SinkDirectory.Sink, List<BatchEvent>> plan = new LinkedHashMap<>();
        for (SinkDirectory.Sink sink : active) {
            plan.put(sink, new ArrayList<>(events.size()));
        }
        for (BatchEvent event : events) {
            if (!event.valid()) {
                continue;
            }
            for (SinkDirectory.Sink sink : sinksFor(event, active, acknowledged.apply(event.index()))) {
                plan.get(sink).add(event);
            }
        }
        return plan;
    }

    /** The sinks that {@code event} must still reach: those of {@code active} not named in {@code acknowledged}. */
    static List<SinkDirectory.Sink> sinksFor(BatchEvent event, List<SinkDirectory.Sink> active, Set<String> acknowledged) {
        if (acknowledged.isEmpty()) {
            return active;
        }
        List<SinkDirectory.Sink> pending = new ArrayList<>(active.size());
        for (SinkDirectory.Sink sink : active) {
            if (!acknowledged.contains(sink.name())) {
                pending.add(sink);
            }
        }
        return pending;
    }
}
