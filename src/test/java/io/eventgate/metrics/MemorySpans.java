package io.eventgate.metrics;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The span exporter {@code memory} for the SDK's autoconfiguration ({@code otel.traces.exporter=memory}),
 * so that a test configures traces the way an operator does and then reads the spans. Registered in
 * {@code META-INF/services} of the test resources.
 */
public final class MemorySpans implements ConfigurableSpanExporterProvider {

    static final InMemorySpanExporter EXPORTER = InMemorySpanExporter.create();

    @Override
    public SpanExporter createExporter(ConfigProperties config) {
        return new SpanExporter() {
            // the SDK closes its exporter when EventGate stops; the spans must outlive that
            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode export(
                    java.util.Collection<io.opentelemetry.sdk.trace.data.SpanData> spans) {
                return EXPORTER.export(spans);
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode flush() {
                return EXPORTER.flush();
            }

            @Override
            public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
                return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
            }
        };
    }

    @Override
    public String getName() {
        return "memory";
    }
}
