package io.eventgate.metrics;

import io.opentelemetry.api.trace.Span;

/**
 * One publish as the metrics and traces see it: when it started, when its fan-out started, and the
 * class of each sink failure that a sink's own answer showed (a sink that never answered has none;
 * {@link GatewayMetrics} classes it from the outcome). Shared, like {@code SinkOutcomes}, by every
 * copy of the exchange in the fan-out. The failure slots are filled only when a sink fails, so an
 * accepted event allocates nothing here but this object.
 */
final class Observation {

    final long startNanos = System.nanoTime();
    /** Set before the fan-out; the sinks' threads read it after the hand-over, which orders it. */
    long fanOutNanos;
    /** Wall-clock start of the fan-out, for the sink spans (only when traces are on). */
    long fanOutEpochNanos;
    /** The request's span, or null when traces are off. */
    Span span;

    private String[] failedSinks;
    private SinkFailure[] reasons;
    private int failures;

    synchronized void sinkFailed(String sink, SinkFailure reason) {
        if (failedSinks == null) {
            failedSinks = new String[4];
            reasons = new SinkFailure[4];
        } else if (failures == failedSinks.length) {
            failedSinks = java.util.Arrays.copyOf(failedSinks, failures * 2);
            reasons = java.util.Arrays.copyOf(reasons, failures * 2);
        }
        failedSinks[failures] = sink;
        reasons[failures] = reason;
        failures++;
    }

    /** The class of the sink's failure as its answer showed it, or null when it did not answer with one. */
    synchronized SinkFailure reasonOf(String sink) {
        for (int i = 0; i < failures; i++) {
            if (failedSinks[i].equals(sink)) {
                return reasons[i];
            }
        }
        return null;
    }
}
