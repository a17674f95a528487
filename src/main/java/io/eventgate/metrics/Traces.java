package io.eventgate.metrics;

import io.eventgate.config.ConfigException;
import io.eventgate.config.Settings;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry traces of publishes: one SERVER span per request, which continues the client's trace
 * when the request carries a {@code traceparent} (or whatever {@code OTEL_PROPAGATORS} names), and one
 * CLIENT span per sink under it, from the fan-out to the sink's answer.
 *
 * <p>Only made when {@code traces.enabled} is true; otherwise no class of the SDK is loaded and
 * nothing is started. The SDK is configured the usual OpenTelemetry way ({@code OTEL_*} environment
 * variables, {@code otel.*} system properties; by default OTLP over http/protobuf to
 * {@code localhost:4318}, batched; grpc is not bundled). EventGate settings {@code traces.otel.<property>} give defaults
 * under those (so {@code config.json} can hold them). The SDK's own metrics and logs exporters are
 * off by default: the metrics are at {@code /metrics}.
 *
 * <p>Why not camel-opentelemetry: it makes a span per Camel endpoint that an exchange passes
 * (direct, json-validator, each sink's component), takes the parent context from the Camel message
 * headers, where the HTTP front door does not put the request's headers, and its request span would
 * be the {@code direct:gateway} route's, without the HTTP status. Two hooks that EventGate already
 * has for the metrics give exactly the spans wanted here, with the answer's status on them.
 */
final class Traces implements AutoCloseable {

    static final String REQUEST_SPAN = "POST /topics/{topic}";
    private static final AttributeKey<String> TOPIC = AttributeKey.stringKey("eventgate.topic");
    private static final AttributeKey<String> SINK = AttributeKey.stringKey("eventgate.sink");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private static final TextMapGetter<Map<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            // the front doors' header map is case-insensitive
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final OpenTelemetrySdk sdk;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    private Traces(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
        this.tracer = sdk.getTracer("io.eventgate");
        this.propagator = sdk.getPropagators().getTextMapPropagator();
    }

    static Traces start(Settings settings) {
        Map<String, String> defaults = new HashMap<>();
        defaults.put("otel.service.name", "eventgate");
        defaults.put("otel.metrics.exporter", "none");
        defaults.put("otel.logs.exporter", "none");
        // The SDK's own default is grpc, whose sender (OkHttp) is not bundled; the JDK's client speaks http/protobuf.
        defaults.put("otel.exporter.otlp.protocol", "http/protobuf");
        settings.asMap().forEach((key, value) -> {
            if (key.startsWith("traces.otel.") && value != null && !value.isBlank()) {
                defaults.put(key.substring("traces.".length()), value.trim());
            }
        });
        try {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> defaults)
                    .disableShutdownHook()
                    .build()
                    .getOpenTelemetrySdk();
            return new Traces(sdk);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null && e.getMessage() != null && e.getMessage().startsWith("Unexpected")
                    ? e.getCause() : e;
            throw new ConfigException("traces.enabled is true but the OpenTelemetry settings (OTEL_*, otel.*, "
                    + "traces.otel.*) are not usable: " + cause.getMessage(), e);
        }
    }

    Span startRequest(Map<String, String> headers) {
        Context parent = headers == null ? Context.root() : propagator.extract(Context.root(), headers, HEADERS);
        return tracer.spanBuilder(REQUEST_SPAN)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("http.request.method", "POST")
                .setAttribute("http.route", "/topics/{topic}")
                .startSpan();
    }

    static long epochNanosNow() {
        Instant now = Instant.now();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    /** A sink's span, from the fan-out to now; {@code failure} null when it acknowledged the event. */
    void sink(Observation observation, String sink, SinkFailure failure) {
        Span span = tracer.spanBuilder("sink " + sink)
                .setParent(Context.root().with(observation.span))
                .setSpanKind(SpanKind.CLIENT)
                .setStartTimestamp(observation.fanOutEpochNanos, TimeUnit.NANOSECONDS)
                .setAttribute(SINK, sink)
                .startSpan();
        if (failure != null) {
            span.setAttribute(ERROR_TYPE, failure.label());
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    void endRequest(Observation observation, String topic, int status, String errorType) {
        Span span = observation.span;
        span.setAttribute(TOPIC, topic);
        span.setAttribute(STATUS, (long) status);
        if (status >= 400) {
            span.setAttribute(ERROR_TYPE, errorType);
        }
        if (status >= 500) {
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }

    @Override
    public void close() {
        sdk.close();
    }
}
