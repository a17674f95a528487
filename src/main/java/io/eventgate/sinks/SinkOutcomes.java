package io.eventgate.sinks;

import io.eventgate.gateway.Responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each sink answered for one event. Shared by every copy of the exchange in the fan-out, so a
 * sink that never answers (cut off by the timeout) is simply absent and counts as failed.
 *
 * <p>It also holds the event's places in the sinks' bulkheads: {@link #enter} takes one, and the
 * sink's answer, or {@link #close()} when the publish answers without it, gives it back, once.
 */
public final class SinkOutcomes implements AutoCloseable {

    private final List<SinkDirectory.Sink> sinks;
    private final long startNanos = System.nanoTime();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> answered = new ConcurrentHashMap<>();
    private final Map<String, SinkDirectory.Sink> entered = new ConcurrentHashMap<>();

    public SinkOutcomes(List<SinkDirectory.Sink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    List<SinkDirectory.Sink> sinks() {
        return sinks;
    }

    /** Takes the event's place in the sink's bulkhead; when it is full, records the failure instead. */
    boolean enter(SinkDirectory.Sink sink) {
        if (sink.tryEnter()) {
            entered.put(sink.name(), sink);
            return true;
        }
        record(sink.name(), "Sink is at capacity (" + sink.maxInFlight() + " events in flight); try again later");
        return false;
    }

    /**
     * The deadline of the sink {@code sinkName} for this event and what is left of it, counted from
     * the fan-out (0 once it is gone); null for a sink that this event does not go to.
     */
    public io.eventgate.gateway.SinkDeadline.Left deadline(String sinkName) {
        for (SinkDirectory.Sink sink : sinks) {
            if (sink.name().equals(sinkName)) {
                return new io.eventgate.gateway.SinkDeadline.Left(sink.timeoutMs(), Math.max(0, sink.leftMs(startNanos)));
            }
        }
        return null;
    }

    /** Records a sink's answer; {@code error} is null when it acknowledged the event. */
    public void record(String sinkName, String error) {
        SinkDirectory.Sink sink = null;
        for (SinkDirectory.Sink candidate : sinks) {
            if (candidate.name().equals(sinkName)) {
                sink = candidate;
                break;
            }
        }
        if (sink == null) {
            return;
        }
        if (error == null && sink.leftMs(startNanos) < 0) {
            error = sink.lateMessage();
        }
        if (error != null) {
            failures.putIfAbsent(sinkName, error);
        }
        answered.putIfAbsent(sinkName, Boolean.TRUE);
        release(sinkName);
    }

    /** One error per failed sink, in sink order; empty when every sink acknowledged. */
    public List<Responses.Error> errors() {
        List<Responses.Error> errors = new ArrayList<>();
        for (SinkDirectory.Sink sink : sinks) {
            String failure = answered.containsKey(sink.name()) ? failures.get(sink.name()) : sink.lateMessage();
            if (failure != null) {
                errors.add(new Responses.Error(sink.name(), failure));
            }
        }
        return errors;
    }

    /** The names of the sinks that acknowledged the event within their deadline, so far, in sink order. */
    public List<String> acknowledged() {
        List<String> names = new ArrayList<>();
        for (SinkDirectory.Sink sink : sinks) {
            if (answered.containsKey(sink.name()) && !failures.containsKey(sink.name())) {
                names.add(sink.name());
            }
        }
        return names;
    }

    /** The publish answers: the places of sinks that did not answer in time are given back. */
    @Override
    public void close() {
        entered.keySet().forEach(this::release);
    }

    private void release(String sinkName) {
        SinkDirectory.Sink sink = entered.remove(sinkName);
        if (sink != null) {
            sink.leave();
        }
    }
}
