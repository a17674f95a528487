package io.eventgate.sinks;

import io.eventgate.gateway.Responses;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each sink answered for one event. Shared by every copy of the exchange in the fan-out, so a
 * sink that never answers (cut off by the timeout) is simply absent and counts as failed.
 */
public final class SinkOutcomes {

    private final List<SinkDirectory.Sink> sinks;
    private final long startNanos = System.nanoTime();
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> answered = new ConcurrentHashMap<>();

    public SinkOutcomes(List<SinkDirectory.Sink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    /** Records a sink's answer; {@code error} is null when it acknowledged the event. */
    public void record(String sinkName, String error) {
        SinkDirectory.Sink sink = sinks.stream().filter(s -> s.name().equals(sinkName)).findFirst().orElse(null);
        if (sink == null) {
            return;
        }
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        if (error == null && elapsedMs > sink.timeoutMs()) {
            error = lateMessage(sink);
        }
        if (error != null) {
            failures.putIfAbsent(sinkName, error);
        }
        answered.putIfAbsent(sinkName, Boolean.TRUE);
    }

    /** One error per failed sink, in sink order; empty when every sink acknowledged. */
    public List<Responses.Error> errors() {
        List<Responses.Error> errors = new ArrayList<>();
        for (SinkDirectory.Sink sink : sinks) {
            String failure = answered.containsKey(sink.name()) ? failures.get(sink.name()) : lateMessage(sink);
            if (failure != null) {
                errors.add(new Responses.Error(sink.name(), failure));
            }
        }
        return errors;
    }

    private static String lateMessage(SinkDirectory.Sink sink) {
        return "No acknowledgement within " + sink.timeoutMs() + " ms";
    }
}
