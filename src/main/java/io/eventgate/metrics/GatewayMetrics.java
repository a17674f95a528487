package io.eventgate.metrics;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.Settings;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkOutcomes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * EventGate's metrics (served by {@link MetricsEndpoint} at {@code GET /metrics}) and its optional
 * traces ({@link Traces}), fed by three hooks in the publish route:
 * {@link #publishStarted} (first step), {@link #fanOutStarted} (before the fan-out) and
 * {@link #observeSinks} (around the fan-out's aggregation). The answer is counted when the
 * exchange is done, whatever path it took (202, a refusal, a sink failure, an internal error).
 *
 * <p>Label values are bounded: a topic is a label only when the configuration knows it (others are
 * {@value #UNKNOWN_TOPIC}), the error type is one of {@link #ERROR_TYPES}, a sink is one of the sink
 * routes, and a failure's reason one of {@link SinkFailure}. So a client cannot create series by
 * sending made-up topics. The meters are made once per label set and kept, so a request does no
 * lookup of the registry and builds no tags: a hit in a map of topics, an increment, and the timers.
 *
 * <p>Settings (read at start): {@code metrics.enabled} (default true for the HTTP server, false in
 * Lambda: the meters are kept and {@code /metrics} answers; false: neither), {@code metrics.require_admin} (default false: a token of
 * an {@code admin_users} subject is needed to read {@code /metrics}), {@code traces.enabled} (default
 * false; see {@link Traces}).
 */
public final class GatewayMetrics implements AutoCloseable {

    public static final String BEAN_NAME = "eventGateMetrics";
    /** The label value of every topic that the configuration does not know. */
    public static final String UNKNOWN_TOPIC = "_unknown";
    /** The values of the {@code error} label: the contract's error types of a publish, "sink" and "none". */
    static final List<String> ERROR_TYPES =
            List.of("none", "auth", "topic", "permission", "validation", "internal", "sink", "other");
    private static final int NONE = 0;
    private static final int VALIDATION = ERROR_TYPES.indexOf("validation");
    private static final int INTERNAL = ERROR_TYPES.indexOf("internal");
    private static final int SINK = ERROR_TYPES.indexOf("sink");
    private static final int OTHER = ERROR_TYPES.indexOf("other");

    static final String OBSERVATION = "eventGateObservation";
    /** How long after start the JVM's meters are bound when no scrape came first. */
    static final Duration JVM_METERS_AFTER = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMetrics.class);
    /** Buckets of the latency histograms: a sink's acknowledgement takes from a millisecond to its deadline. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};

    private final ConfigHolder config;
    private final SinkDirectory sinks;
    private final boolean metricsOn;
    private final boolean requireAdmin;
    private final Traces traces;
    private final PrometheusMeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final TopicMeters unknownTopic;
    private final Map<String, SinkMeters> sinksByName = new ConcurrentHashMap<>();
    private final Map<String, SinkMeters> sinksByEndpoint = new ConcurrentHashMap<>();
    private final Timer accepted;
    private final Timer refused;
    private final Timer failed;
    /** Made with the other JVM meters ({@link #bindJvmMetrics}); guarded by this. */
    private JvmGcMetrics gcMetrics;
    /** Whether the JVM's meters are bound ({@link #bindJvmMetrics}); guarded by this. */
    private volatile boolean jvmBound;
    private boolean closed;
    /** Held here: a function counter keeps only a weak reference to what it reads. */
    private final TokenCacheCounts tokenCache;
    private final SynchronizationAdapter whenDone = new SynchronizationAdapter() {
        @Override
        public void onDone(Exchange exchange) {
            published(exchange);
        }

        @Override
        public boolean allowHandover() {
            // counted once, by the request's own exchange, never by a copy that takes it over
            return false;
        }
    };

    private GatewayMetrics(ConfigHolder config, SinkDirectory sinks, boolean metricsOn, boolean requireAdmin,
                           Traces traces) {
        this.config = config;
        this.sinks = sinks;
        this.metricsOn = metricsOn;
        this.requireAdmin = requireAdmin;
        this.traces = traces;
        if (!metricsOn) {
            registry = null;
            unknownTopic = new TopicMeters(UNKNOWN_TOPIC);
            accepted = refused = failed = null;
            tokenCache = null;
            return;
        }
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        unknownTopic = new TopicMeters(UNKNOWN_TOPIC);
        Gauge.builder("eventgate.publish.in_flight", inFlight, AtomicInteger::get)
                .description("Publish requests being handled now")
                .register(registry);
        accepted = publishTimer("accepted");
        refused = publishTimer("refused");
        failed = publishTimer("failed");
        tokenCache = new TokenCacheCounts(config);
        FunctionCounter.builder("eventgate.token.cache.lookups", tokenCache, TokenCacheCounts::hits)
                .description("Tokens looked up in the verified-token cache, by result")
                .tag("result", "hit").register(registry);
        FunctionCounter.builder("eventgate.token.cache.lookups", tokenCache, TokenCacheCounts::misses)
                .description("Tokens looked up in the verified-token cache, by result")
                .tag("result", "miss").register(registry);
    }

    /**
     * Binds the JVM's meters (memory, GC, processor, uptime): about 25 ms of JMX look-ups that no
     * request needs, so they are bound after start, on a thread of their own
     * ({@link #bindJvmMetricsInBackground}), or by the first scrape if it comes sooner. Idempotent.
     */
    public void bindJvmMetrics() {
        if (registry == null || jvmBound) {
            return;
        }
        synchronized (this) {
            if (jvmBound || closed) {
                return;
            }
            new JvmMemoryMetrics().bindTo(registry);
            gcMetrics = new JvmGcMetrics();
            gcMetrics.bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            jvmBound = true;
        }
    }

    /** Whether the JVM's meters are bound (tests). */
    boolean jvmMetricsBound() {
        return jvmBound;
    }

    /**
     * Binds the JVM's meters on a daemon thread, {@link #JVM_METERS_AFTER} from now: not while the
     * first requests are served, which on a busy machine would share the CPU with them. Returns at once
     * (called once the application runs); a scrape before then binds them itself.
     */
    public void bindJvmMetricsInBackground() {
        if (registry == null || jvmBound) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                Thread.sleep(JVM_METERS_AFTER.toMillis());
                bindJvmMetrics();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("Binding the JVM metrics failed: {}", e.toString());
            }
        }, "eventgate-jvm-metrics");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Metrics and traces as the settings say; traces start here when they are on.
     *
     * @param metricsByDefault whether {@code metrics.enabled} defaults to true: for the HTTP server; in
     *                         Lambda nothing scrapes an instance, so there the meters are not even made
     */
    public static GatewayMetrics create(ConfigHolder config, SinkDirectory sinks, boolean metricsByDefault) {
        Settings settings = config.current().settings();
        boolean tracesOn = settings.getBoolean("traces.enabled", false);
        Traces traces = tracesOn ? Traces.start(settings) : null;
        if (tracesOn) {
            LOG.info("OpenTelemetry traces are on");
        }
        return new GatewayMetrics(config, sinks, settings.getBoolean("metrics.enabled", metricsByDefault),
                settings.getBoolean("metrics.require_admin", false), traces);
    }

    /** The application's metrics, or a switched-off instance when none is bound (a route tested alone). */
    public static GatewayMetrics of(CamelContext context) {
        GatewayMetrics bound = context.getRegistry().lookupByNameAndType(BEAN_NAME, GatewayMetrics.class);
        return bound != null ? bound : new GatewayMetrics(null, null, false, false, null);
    }

    private Timer publishTimer(String outcome) {
        return Timer.builder("eventgate.publish.duration")
                .description("Time from a publish's headers to its answer, by outcome (accepted: 202, refused: 4xx, failed: 5xx)")
                .tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    public boolean metricsEnabled() {
        return metricsOn;
    }

    public boolean tracesEnabled() {
        return traces != null;
    }

    public boolean requireAdmin() {
        return requireAdmin;
    }

    /** The Prometheus text of every meter. */
    String scrape() {
        bindJvmMetrics();
        return registry.scrape();
    }

    /** The publish route's first step. */
    public void publishStarted(Exchange exchange) {
        if (!metricsOn && traces == null || exchange.getProperty(Exchanges.PRIMING) != null) {
            return;
        }
        Observation observation = new Observation();
        if (traces != null) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = exchange.getProperty(Exchanges.HEADERS, Map.class);
            observation.span = traces.startRequest(headers);
        }
        exchange.setProperty(OBSERVATION, observation);
        if (metricsOn) {
            inFlight.incrementAndGet();
        }
        exchange.getExchangeExtension().addOnCompletion(whenDone);
    }

    /** The step just before the fan-out. */
    public void fanOutStarted(Exchange exchange) {
        Observation observation = exchange.getProperty(OBSERVATION, Observation.class);
        if (observation != null) {
            observation.fanOutNanos = System.nanoTime();
            if (traces != null) {
                observation.fanOutEpochNanos = Traces.epochNanosNow();
            }
        }
    }

    /** The fan-out's aggregation, which sees each sink's answer first. */
    public AggregationStrategy observeSinks(AggregationStrategy outcomes) {
        if (!metricsOn && traces == null) {
            return outcomes;
        }
        return new ObservedAggregation(outcomes, this::sinkAnswered);
    }

    private void sinkAnswered(Exchange answer) {
        Observation observation = answer.getProperty(OBSERVATION, Observation.class);
        SinkMeters meters = observation == null ? null
                : sinkOfEndpoint(answer.getProperty(Exchange.RECIPIENT_LIST_ENDPOINT, String.class));
        if (meters == null) {
            return;
        }
        long elapsed = System.nanoTime() - observation.fanOutNanos;
        String error = answer.getProperty(Exchanges.SINK_ERROR, String.class);
        Exception exception = answer.getException();
        SinkFailure failure = null;
        if (error != null || exception != null) {
            Throwable cause = exception != null ? exception : answer.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            failure = SinkFailure.classify(cause, error);
        } else if (elapsed > meters.deadlineNanos) {
            // acknowledged after its deadline: the answer counts it as failed, and so do the metrics
            failure = SinkFailure.TIMEOUT;
        }
        observation.sinkAnswered(meters.name, failure);
        if (metricsOn) {
            (failure == null ? meters.acknowledged : meters.failed).record(elapsed, TimeUnit.NANOSECONDS);
        }
        if (traces != null && observation.span != null) {
            traces.sink(observation, meters.name, failure);
        }
    }

    /** The publish is done: count it by topic, status and error type, and each failed sink by reason. */
    private void published(Exchange exchange) {
        Observation observation = exchange.getProperty(OBSERVATION, Observation.class);
        if (observation == null) {
            return;
        }
        try {
            Integer header = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            int status = exchange.getException() != null || header == null ? 500 : header;
            SinkOutcomes outcomes = exchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class);
            List<Responses.Error> sinkErrors = status == 500 && outcomes != null ? outcomes.errors() : List.of();
            int error = errorType(exchange, status, sinkErrors);
            TopicMeters topic = topicOf(exchange.getProperty(Exchanges.TOPIC, String.class), exchange);
            BatchCounts batch = status == 202 || status == 207 ? exchange.getProperty(BatchCounts.PROPERTY, BatchCounts.class) : null;
            if (batch != null) {
                countBatch(observation, topic, status, batch);
            } else if (metricsOn) {
                topic.count(status, error);
                (status < 300 ? accepted : status < 500 ? refused : failed)
                        .record(System.nanoTime() - observation.startNanos, TimeUnit.NANOSECONDS);
            }
            if (error == SINK) {
                for (Responses.Error sinkError : sinkErrors) {
                    sinkFailed(observation, sinkError);
                }
            }
            if (traces != null && observation.span != null) {
                traces.endRequest(observation, topic.label, status, ERROR_TYPES.get(error));
            }
        } finally {
            if (metricsOn) {
                inFlight.decrementAndGet();
            }
        }
    }

    /**
     * A batch publish answered 202 or 207: each event counted by its own status and error type, each
     * sink that failed an event counted by reason; the request's duration is "accepted" when every event
     * was, else "failed" when a sink failed one, else "refused".
     */
    private void countBatch(Observation observation, TopicMeters topic, int status, BatchCounts batch) {
        boolean[] sinkFailed = new boolean[1];
        batch.forEachEvent((eventStatus, errorType, eventSinkErrors) -> {
            int error;
            if (eventStatus < 300) {
                error = NONE;
            } else if (!eventSinkErrors.isEmpty()) {
                error = SINK;
                sinkFailed[0] = true;
                for (Responses.Error sinkError : eventSinkErrors) {
                    sinkFailed(observation, sinkError);
                }
            } else {
                int index = ERROR_TYPES.indexOf(errorType);
                error = index > 0 && index != SINK ? index : OTHER;
            }
            if (metricsOn) {
                topic.count(eventStatus, error);
            }
        });
        if (metricsOn) {
            (status == 202 ? accepted : sinkFailed[0] ? failed : refused)
                    .record(System.nanoTime() - observation.startNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * A sink's answer to its share of a batch, called by the batch fan-out's aggregation once it has
     * recorded the answer: the time from the fan-out is recorded once per event, as acknowledged or
     * failed (a late acknowledgement is failed, as the answer says).
     *
     * @param failedEvents how many of its {@code events} the sink did not acknowledge in time
     * @param exception    the sink's exception, when it failed its share as a whole (or, for a sink without
     *                     a batch route, the first of its events' exceptions); else null
     * @param error        the sink's error ({@code eventGateSinkError}), when it failed its share as a whole; else null
     */
    public void batchSinkAnswered(Exchange copy, String sink, int events, int failedEvents, Throwable exception, String error) {
        Observation observation = copy.getProperty(OBSERVATION, Observation.class);
        SinkMeters meters = observation == null ? null : sinkNamed(sink);
        if (meters == null) {
            return;
        }
        long elapsed = System.nanoTime() - observation.fanOutNanos;
        SinkFailure failure = exception != null || error != null ? SinkFailure.classify(exception, error) : null;
        observation.sinkAnswered(meters.name, failure);
        if (metricsOn) {
            for (int i = 0; i < events; i++) {
                (i < failedEvents ? meters.failed : meters.acknowledged).record(elapsed, TimeUnit.NANOSECONDS);
            }
        }
        if (traces != null && observation.span != null) {
            traces.sink(observation, meters.name, failedEvents > 0 ? failure != null ? failure : SinkFailure.OTHER : null);
        }
    }

    private void sinkFailed(Observation observation, Responses.Error sinkError) {
        SinkMeters meters = sinkNamed(sinkError.type());
        if (meters == null) {
            return;
        }
        SinkFailure seen = observation.reasonOf(meters.name);
        // No failure in its answer: the sink never answered (its deadline), or had no room.
        SinkFailure reason = seen != null ? seen : SinkFailure.classify(null, sinkError.message());
        if (metricsOn) {
            meters.failures.get(reason).increment();
        }
        if (!observation.answered(meters.name) && traces != null && observation.span != null) {
            traces.sink(observation, meters.name, reason);
        }
    }

    /** The index in {@link #ERROR_TYPES} of the answer's error. */
    private static int errorType(Exchange exchange, int status, List<Responses.Error> sinkErrors) {
        if (status < 300) {
            return NONE;
        }
        Object caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT);
        if (caught instanceof GatewayException refusal) {
            int index = ERROR_TYPES.indexOf(refusal.type());
            return index > 0 && index != SINK ? index : OTHER;
        }
        if (caught instanceof JsonValidationException) {
            return VALIDATION;
        }
        if (!sinkErrors.isEmpty()) {
            return SINK;
        }
        return status >= 500 ? INTERNAL : OTHER;
    }

    /** The meters of a topic that the configuration knows, else those of {@value #UNKNOWN_TOPIC}. */
    private TopicMeters topicOf(String topic, Exchange exchange) {
        if (topic == null) {
            return unknownTopic;
        }
        TopicMeters meters = topics.get(topic);
        if (meters != null) {
            return meters;
        }
        String name = topic.toLowerCase(Locale.ROOT);
        if (config.current(exchange).topics().find(name).isEmpty()) {
            return unknownTopic;
        }
        return topics.computeIfAbsent(name, TopicMeters::new);
    }

    private SinkMeters sinkOfEndpoint(String endpointUri) {
        if (endpointUri == null) {
            return null;
        }
        SinkMeters meters = sinksByEndpoint.get(endpointUri);
        if (meters == null) {
            meters = SinkDirectory.sinkName(endpointUri).map(this::sinkNamed).orElse(null);
            if (meters != null) {
                sinksByEndpoint.put(endpointUri, meters);
            }
        }
        return meters;
    }

    /** The meters of a discovered sink; null for any other name. */
    private SinkMeters sinkNamed(String name) {
        SinkMeters meters = sinksByName.get(name);
        if (meters == null && sinks.find(name).isPresent()) {
            meters = sinksByName.computeIfAbsent(name, SinkMeters::new);
        }
        return meters;
    }

    @Override
    public void close() {
        if (traces != null) {
            traces.close();
        }
        synchronized (this) {
            closed = true;
            if (gcMetrics != null) {
                gcMetrics.close();
            }
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** The counters of one topic label: 202 in a field, the rest made on first use (a few statuses). */
    private final class TopicMeters {
        final String label;
        final Counter accepted;
        final Map<Integer, Counter> answers = new ConcurrentHashMap<>();

        TopicMeters(String label) {
            this.label = label;
            this.accepted = registry == null ? null : counter(202, NONE);
        }

        void count(int status, int error) {
            if (status == 202 && error == NONE) {
                accepted.increment();
            } else {
                int bounded = status < 100 || status > 599 ? 599 : status;
                answers.computeIfAbsent(bounded * 16 + error, key -> counter(key / 16, key % 16)).increment();
            }
        }

        private Counter counter(int status, int error) {
            return Counter.builder("eventgate.events")
                    .description("Publish requests answered, by topic (" + UNKNOWN_TOPIC
                            + " for topics the configuration does not know), status and error type")
                    .tag("topic", label)
                    .tag("status", Integer.toString(status))
                    .tag("error", ERROR_TYPES.get(error))
                    .register(registry);
        }
    }

    /**
     * A sink's latency histograms (acknowledged, failed) and its failures by reason; and its deadline
     * as it was when first seen (a reload that changes {@code sinks.<name>.timeout_ms} is seen by the
     * answers, here only in whether a late acknowledgement is timed as failed).
     */
    private final class SinkMeters {
        final String name;
        final long deadlineNanos;
        final Timer acknowledged;
        final Timer failed;
        final Map<SinkFailure, Counter> failures = new EnumMap<>(SinkFailure.class);

        SinkMeters(String name) {
            this.name = name;
            this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(
                    sinks.find(name).map(SinkDirectory.Sink::timeoutMs).orElse(SinkDirectory.DEFAULT_TIMEOUT_MS));
            if (registry == null) {
                acknowledged = failed = null;
                return;
            }
            acknowledged = latency("acknowledged");
            failed = latency("failed");
            for (SinkFailure reason : SinkFailure.values()) {
                failures.put(reason, Counter.builder("eventgate.sink.failures")
                        .description("Events a sink failed, by reason")
                        .tag("sink", name).tag("reason", reason.label())
                        .register(registry));
            }
        }

        private Timer latency(String outcome) {
            return Timer.builder("eventgate.sink.latency")
                    .description("Time from the fan-out to a sink's answer, by sink and outcome "
                            + "(an acknowledgement after the sink's deadline is failed)")
                    .tag("sink", name).tag("outcome", outcome)
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry);
        }
    }
}
