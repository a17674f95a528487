package io.eventgate.sinks;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sinks EventGate fans out to, discovered from the routes that are present: every route that
 * starts {@code from: direct:sink-<name>} is the sink {@code <name>}. Nothing here names a sink.
 *
 * <p>Per sink, settings (config.json, or overrides) decide:
 * <ul>
 *   <li>{@code sinks.<name>.enabled}: {@code false} leaves the sink out (default {@code true});</li>
 *   <li>{@code sinks.<name>.requires}: comma-separated settings that must be non-empty, else the
 *       sink is "not configured" and skipped (as Kafka is with no {@code kafka_bootstrap_server});
 *       an entry {@code a|b} is met when either {@code a} or {@code b} is set (Postgres: a secret
 *       name or a local host);</li>
 *   <li>{@code sinks.<name>.timeout_ms}: its deadline (default {@code sink_timeout_ms}, 5000);</li>
 *   <li>{@code sinks.<name>.max_in_flight}: how many events the sink may hold unanswered at once (a
 *       batch's share to a sink with a batch route counts as one: {@code io.eventgate.batch.Delivery})
 *       (default {@code sink_max_in_flight}, 1000). Each sink is a bulkhead: past its bound, its
 *       part of a publish fails at once ("at capacity"), and the other sinks are not affected.</li>
 * </ul>
 */
public final class SinkDirectory {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SinkDirectory.class);

    public static final String BEAN_NAME = "sinkDirectory";
    public static final String ROUTE_PREFIX = "sink-";
    public static final long DEFAULT_TIMEOUT_MS = 5000;
    public static final long DEFAULT_MAX_IN_FLIGHT = 1000;

    /**
     * A discovered sink. {@code missing} lists the required settings that are empty; {@code inFlight}
     * counts the events it holds unanswered (see {@link #tryEnter()}).
     */
    public record Sink(String name, String endpointUri, List<String> missing, long timeoutMs, long maxInFlight,
                       AtomicLong inFlight) {

        public Sink(String name, String endpointUri, List<String> missing, long timeoutMs) {
            this(name, endpointUri, missing, timeoutMs, DEFAULT_MAX_IN_FLIGHT, new AtomicLong());
        }

        public boolean configured() {
            return missing.isEmpty();
        }

        /** Takes a place for one event; false when the sink already holds {@code maxInFlight}. */
        public boolean tryEnter() {
            if (inFlight.incrementAndGet() > maxInFlight) {
                inFlight.decrementAndGet();
                return false;
            }
            return true;
        }

        /** Gives back the place of an event the sink answered, or that the publish stopped waiting for. */
        public void leave() {
            inFlight.decrementAndGet();
        }

        /**
         * What is left of this sink's deadline for work that fanned out at {@code startNanos}
         * ({@link System#nanoTime()}), in ms; negative once the deadline has passed (an answer then is late).
         */
        public long leftMs(long startNanos) {
            return timeoutMs - (System.nanoTime() - startNanos) / 1_000_000;
        }

        /** The error of an event this sink did not acknowledge within its deadline. */
        public String lateMessage() {
            return "No acknowledgement within " + timeoutMs + " ms";
        }
    }

    private final ConfigHolder config;
    private volatile List<Sink> sinks = List.of();
    /** Sinks whose routes were left out for want of a setting ({@link SinkRouteFilter}), with what they lack. */
    private final Map<String, List<String>> leftOut = new java.util.concurrent.ConcurrentHashMap<>();
    /** The configured ones of {@link #sinks}, kept with them: asked for per event. */
    private volatile List<Sink> active = List.of();
    /** The sinks whose "not configured" line was written ({@link #warnNotConfigured}). */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public SinkDirectory(ConfigHolder config) {
        this.config = config;
    }

    /** Looks at the routes again; call after the routes start and after a reload. */
    public void refresh(CamelContext context) {
        Settings settings = config.current().settings();
        List<Sink> found = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            sinkName(route.getEndpoint().getEndpointUri())
                    .filter(name -> settings.getBoolean("sinks." + name + ".enabled", true))
                    .ifPresent(name -> found.add(new Sink(name, "direct:" + ROUTE_PREFIX + name,
                            missingSettings(settings, name), timeoutMs(settings, name),
                            settings.getLong("sinks." + name + ".max_in_flight",
                                    settings.getLong("sink_max_in_flight", DEFAULT_MAX_IN_FLIGHT)),
                            new AtomicLong())));
        }
        leftOut.forEach((name, missing) -> {
            if (found.stream().noneMatch(s -> s.name().equals(name)) && settings.getBoolean("sinks." + name + ".enabled", true)) {
                found.add(new Sink(name, "direct:" + ROUTE_PREFIX + name, missing, timeoutMs(settings, name)));
            }
        });
        found.sort(Comparator.comparing(Sink::name));
        warnNotConfigured(found);
        sinks = List.copyOf(found);
        active = sinks.stream().filter(Sink::configured).toList();
    }

    /**
     * One WARN line, once per sink, for a sink whose route is there but whose {@code requires} are not
     * met (Kafka without {@code kafka_bootstrap_server}, or with its name mistyped): the gateway then
     * accepts events into fewer sinks than the routes show, which must not go unsaid. The sinks that
     * {@link SinkRouteFilter} left out have had their line already.
     */
    private void warnNotConfigured(List<Sink> found) {
        for (Sink sink : found) {
            if (!sink.configured() && !leftOut.containsKey(sink.name()) && warned.add(sink.name())) {
                LOG.warn("Sink {} is not configured, so it is off: set {}", sink.name(),
                        String.join(", ", sink.missing()));
            }
        }
    }

    /** Whether the sink's {@code sinks.<name>.requires} setting names a setting that is empty. */
    boolean requiresUnmet(String name) {
        return !missingSettings(config.current().settings(), name).isEmpty();
    }

    /**
     * Records a sink whose routes are not added because the configuration lacks settings they use; it
     * stays "not configured" until a restart. True the first time (for one log line), and only for an
     * enabled sink.
     */
    public boolean leaveOut(String name, List<String> missing) {
        boolean first = leftOut.put(name, List.copyOf(missing)) == null;
        return first && config.current().settings().getBoolean("sinks." + name + ".enabled", true);
    }

    public static Optional<String> sinkName(String endpointUri) {
        String rest = endpointUri.startsWith("direct://") ? endpointUri.substring("direct://".length())
                : endpointUri.startsWith("direct:") ? endpointUri.substring("direct:".length()) : null;
        if (rest == null || !rest.startsWith(ROUTE_PREFIX) || rest.length() == ROUTE_PREFIX.length()) {
            return Optional.empty();
        }
        int query = rest.indexOf('?');
        return Optional.of(rest.substring(ROUTE_PREFIX.length(), query < 0 ? rest.length() : query));
    }

    /** The entries of {@code sinks.<name>.requires} that are not met; an entry {@code a|b} needs one of them. */
    static List<String> missingSettings(Settings settings, String name) {
        return Arrays.stream(settings.get("sinks." + name + ".requires", "").split(","))
                .map(String::trim)
                .filter(entry -> !entry.isEmpty()
                        && Arrays.stream(entry.split("\\|")).map(String::trim).noneMatch(settings::isConfigured))
                .toList();
    }

    static long timeoutMs(Settings settings, String name) {
        return settings.getLong("sinks." + name + ".timeout_ms", settings.getLong("sink_timeout_ms", DEFAULT_TIMEOUT_MS));
    }

    /** The longest deadline any sink may have, from the settings alone (used for the fan-out's own timeout). */
    public long longestDeadlineMs() {
        Settings settings = config.current().settings();
        long longest = settings.getLong("sink_timeout_ms", DEFAULT_TIMEOUT_MS);
        for (Map.Entry<String, String> entry : settings.asMap().entrySet()) {
            if (entry.getKey().startsWith("sinks.") && entry.getKey().endsWith(".timeout_ms")) {
                longest = Math.max(longest, settings.getLong(entry.getKey(), longest));
            }
        }
        return longest;
    }

    /** Every discovered, enabled sink, configured or not. */
    public List<Sink> all() {
        return sinks;
    }

    /** The sinks a publish goes to. */
    public List<Sink> active() {
        return active;
    }

    public Optional<Sink> find(String name) {
        return sinks.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The endpoints that a publish goes to, for the recipient list: every sink in {@code outcomes}
     * that has room for the event. A sink at capacity is recorded as failed at once and left out.
     */
    public static List<String> recipients(SinkOutcomes outcomes) {
        List<String> endpoints = new ArrayList<>();
        for (Sink sink : outcomes.sinks()) {
            if (outcomes.enter(sink)) {
                endpoints.add(sink.endpointUri());
            }
        }
        return endpoints;
    }
}
