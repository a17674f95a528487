package io.eventgate.batch;

import io.eventgate.sinks.SinkDirectory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One sink's share of a batch: the events it is sent, in array order, and what it answered for each.
 * It holds places in the sink's bulkhead ({@code max_in_flight}): one for the whole share when the sink
 * has a batch route, else one per event; given back once when the sink answers or the publish stops waiting.
 */
public final class Delivery {

    private static final String ACKNOWLEDGED = "";

    private final SinkDirectory.Sink sink;
    private final List<BatchEvent> events;
    /** Per event of the delivery: null while unanswered, {@link #ACKNOWLEDGED}, or the error. */
    private final AtomicReferenceArray<String> answers;
    private final AtomicBoolean released = new AtomicBoolean();
    private final long startNanos;
    /** The bulkhead places it holds. */
    private final int places;

    Delivery(SinkDirectory.Sink sink, List<BatchEvent> events, long startNanos, int places) {
        this.sink = sink;
        this.events = List.copyOf(events);
        this.answers = new AtomicReferenceArray<>(events.size());
        this.startNanos = startNanos;
        this.places = places;
    }

    public SinkDirectory.Sink sink() {
        return sink;
    }

    public List<BatchEvent> events() {
        return events;
    }

    /** The events' JSON texts, in order: the body a batch sink route gets. */
    public List<String> texts() {
        List<String> texts = new ArrayList<>(events.size());
        for (BatchEvent event : events) {
            texts.add(event.text());
        }
        return texts;
    }

    /** The events' message keys, in order; null where an event has none. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(events.size());
        for (BatchEvent event : events) {
            keys.add(event.key());
        }
        return Collections.unmodifiableList(keys);
    }

    /**
     * Takes the bulkhead's places for as many of {@code wanted} as it has room for, in order.
     *
     * @return how many were admitted
     */
    static int admit(SinkDirectory.Sink sink, int wanted) {
        while (true) {
            long inFlight = sink.inFlight().get();
            long room = sink.maxInFlight() - inFlight;
            int taken = (int) Math.max(0, Math.min(wanted, room));
            if (taken == 0 || sink.inFlight().compareAndSet(inFlight, inFlight + taken)) {
                return taken;
            }
        }
    }

    /**
     * What is left of the sink's deadline for this share, counted from the fan-out (so that the time
     * the share waited for one of the sink's threads counts too); 0 once it is gone. A batch sink
     * route gives it to its sink, which then starts no call that could not end in time.
     */
    public long remainingMs() {
        return Math.max(0, sink.leftMs(startNanos));
    }

    /**
     * Records the sink's answer for the event at {@code position}: {@code error} null when it
     * acknowledged it. An acknowledgement after the sink's deadline counts as late. The first answer stays.
     */
    public void answer(int position, String error) {
        if (error == null) {
            error = sink.leftMs(startNanos) < 0 ? sink.lateMessage() : ACKNOWLEDGED;
        }
        answers.compareAndSet(position, null, error);
    }

    /** Records one answer for every event of the delivery (a sink that failed as a whole, or acknowledged all). */
    public void answerAll(String error) {
        for (int i = 0; i < events.size(); i++) {
            answer(i, error);
        }
    }

    /** The error for the event at {@code position}, null when the sink acknowledged it in time. */
    String error(int position) {
        String answer = answers.get(position);
        if (answer == null) {
            return sink.lateMessage();
        }
        return answer.isEmpty() ? null : answer;
    }

    /** The first exception that a sink without a batch route left on one of its events, for the metrics' reason. */
    private volatile Throwable firstException;

    void exceptionOnOne(Throwable exception) {
        if (exception != null && firstException == null) {
            firstException = exception;
        }
    }

    Throwable firstException() {
        return firstException;
    }

    /** How many of the events the sink did not acknowledge in time (so far). */
    int failed() {
        int failed = 0;
        for (int i = 0; i < events.size(); i++) {
            if (error(i) != null) {
                failed++;
            }
        }
        return failed;
    }

    /** Gives back its places in the sink's bulkhead, once. */
    void release() {
        if (released.compareAndSet(false, true)) {
            sink.inFlight().addAndGet(-places);
        }
    }
}
