package io.eventgate.metrics;

import io.opentelemetry.api.trace.Span;

/**
 * One publish as the metrics and traces see it: when it started, when its fan-out started, and
 * which sinks answered, with the class of the failure that each one's answer showed (a sink that
 * never answered has none; {@link GatewayMetrics} classes it from the outcome). Shared, like
 * {@code SinkOutcomes}, by every copy of the exchange in the fan-out.
 */
final class Observation {

    final long startNanos = System.nanoTime();
    /** Set before the fan-out; the sinks' threads read it after the hand-over, which orders it. */
    long fanOutNanos;
    /** Wall-clock start of the fan-out, for the sink spans (only when traces are on). */
    long fanOutEpochNanos;
    /** The request's span, or null when traces are off. */
    Span span;

    /** The sinks that answered, and the class of each one's failure (null: acknowledged in time). */
    private String[] answeredSinks;
    private SinkFailure[] reasons;
    private int answers;

    synchronized void sinkAnswered(String sink, SinkFailure reason) {
        if (answeredSinks == null) {
            answeredSinks = new String[4];
            reasons = new SinkFailure[4];
        } else if (answers == answeredSinks.length) {
            answeredSinks = java.util.Arrays.copyOf(answeredSinks, answers * 2);
            reasons = java.util.Arrays.copyOf(reasons, answers * 2);
        }
        answeredSinks[answers] = sink;
        reasons[answers] = reason;
        answers++;
    }

    /** The class of the sink's failure as its answer showed it, or null when it did not answer with one. */
    synchronized SinkFailure reasonOf(String sink) {
        int i = indexOf(sink);
        return i < 0 ? null : reasons[i];
    }

    synchronized boolean answered(String sink) {
        return indexOf(sink) >= 0;
    }

    private int indexOf(String sink) {
        for (int i = 0; i < answers; i++) {
            if (answeredSinks[i].equals(sink)) {
                return i;
            }
        }
        return -1;
    }
}
