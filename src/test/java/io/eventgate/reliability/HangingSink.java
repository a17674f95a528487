package io.eventgate.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fault runs' YAML-only sink, {@code direct:sink-yaml}: a route file (see {@link #writeRoute})
 * that waits {@link #delayMs()} without holding a thread (an asynchronous delay), then keeps the
 * event id in memory ({@link #record}). Normally the wait is 0. {@link #hangFor} makes it hang like
 * a remote service that stops answering for a while: every event that reaches it before the hang
 * ends waits until then, and is stored then, whether or not EventGate has already answered.
 */
public final class HangingSink {

    /** The sink's name: its errors are reported with this type. */
    public static final String NAME = "yaml";

    private static final Pattern EVENT_ID = Pattern.compile("\"event_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Map<String, Integer> RECEIVED = new ConcurrentHashMap<>();
    private static volatile long hungUntilNanos = System.nanoTime();

    private HangingSink() {
    }

    /** Writes the sink's route, {@code yaml-sink.yaml}, into {@code folder} (a routes folder). */
    public static void writeRoute(Path folder) {
        try {
            Files.writeString(folder.resolve("yaml-sink.yaml"), """
                    # A YAML-only sink for the fault runs (io.eventgate.reliability.FaultRunTest).
                    - route:
                        id: sink-yaml
                        from:
                          uri: direct:sink-yaml
                          steps:
                            - delay:
                                method:
                                  beanType: io.eventgate.reliability.HangingSink
                                  method: delayMs
                                asyncDelayed: true
                            - bean:
                                beanType: io.eventgate.reliability.HangingSink
                                method: record
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From now on, for {@code duration}, events wait until the end of it. */
    public static void hangFor(Duration duration) {
        hungUntilNanos = System.nanoTime() + duration.toNanos();
    }

    /** Ends a hang now; events already waiting still wait until the end they were given. */
    public static void heal() {
        hungUntilNanos = System.nanoTime();
    }

    /** How long an event arriving now waits: until the hang ends, else 0. Called by the route. */
    public static long delayMs() {
        long left = hungUntilNanos - System.nanoTime();
        return left <= 0 ? 0 : (left + 999_999) / 1_000_000;
    }

    /** Stores the event (its id). Called by the route. */
    public static void record(String body) {
        RECEIVED.merge(eventId(body), 1, Integer::sum);
    }

    /** What the sink holds: event id to number of copies. */
    public static Map<String, Integer> received() {
        return Map.copyOf(RECEIVED);
    }

    /** The {@code event_id} of an event JSON, or {@code ?} when it has none. */
    static String eventId(String json) {
        Matcher m = EVENT_ID.matcher(json == null ? "" : json);
        return m.find() ? m.group(1) : "?";
    }
}
