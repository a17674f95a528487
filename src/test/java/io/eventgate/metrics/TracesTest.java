package io.eventgate.metrics;

import com.sun.net.httpserver.HttpServer;
import io.eventgate.testsupport.Events;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OpenTelemetry traces, configured as an operator would (the SDK's {@code otel.*} properties, here
 * given as EventGate settings {@code traces.otel.*}): a span per publish and one per sink when
 * {@code traces.enabled} is true, sent by the OTLP exporter to a receiver over real HTTP; and no SDK,
 * no exporter thread, when it is not.
 */
class TracesTest {

    private static final String TOPIC = "public.cps.za.test";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CLIENT_SPAN_ID = "00f067aa0ba902b7";

    @TempDir
    Path routes;

    private HttpResponse<String> publishWithTraceParent(RunningGateway gateway) {
        return gateway.send(HttpRequest.newBuilder(gateway.uri("/topics/" + TOPIC))
                .header("Authorization", "Bearer " + gateway.token("TestUser"))
                .header("traceparent", "00-" + TRACE_ID + "-" + CLIENT_SPAN_ID + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(Events.test(Events.id()))).build());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 15 s for " + what);
            Thread.sleep(20);
        }
    }

    private static List<SpanData> spansOf(String traceId) {
        return MemorySpans.EXPORTER.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    @Test
    void eachPublishHasAServerSpanThatContinuesTheClientsTraceAndASpanPerSink() throws Exception {
        MemorySpans.EXPORTER.reset();
        Files.writeString(routes.resolve("refusing.yaml"), """
                - route:
                    id: sink-refusing
                    from:
                      uri: direct:sink-refusing
                      steps:
                        - throwException:
                            exceptionType: java.net.ConnectException
                            message: "Connection refused"
                """);
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.routes-dir", "routes," + routes,
                "eventgate.traces.enabled", "true",
                "eventgate.traces.otel.traces.exporter", "memory",
                "eventgate.traces.otel.bsp.schedule.delay", "20"))) {

            assertEquals(500, publishWithTraceParent(gateway).statusCode());

            await(() -> spansOf(TRACE_ID).size() >= 3, "the request's span and its two sink spans");
            List<SpanData> spans = spansOf(TRACE_ID);
            assertEquals(3, spans.size(), spans.toString());
            SpanData request = spans.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
            assertEquals(Traces.REQUEST_SPAN, request.getName());
            assertEquals(CLIENT_SPAN_ID, request.getParentSpanContext().getSpanId(), "it continues the client's trace");
            assertEquals(TOPIC, request.getAttributes().get(AttributeKey.stringKey("eventgate.topic")));
            assertEquals(500L, request.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals("sink", request.getAttributes().get(AttributeKey.stringKey("error.type")));
            assertEquals(StatusCode.ERROR, request.getStatus().getStatusCode());

            SpanData kafka = sinkSpan(spans, "kafka");
            assertEquals(request.getSpanId(), kafka.getParentSpanContext().getSpanId());
            assertEquals(SpanKind.CLIENT, kafka.getKind());
            assertEquals(StatusCode.UNSET, kafka.getStatus().getStatusCode());
            SpanData refusing = sinkSpan(spans, "refusing");
            assertEquals(request.getSpanId(), refusing.getParentSpanContext().getSpanId());
            assertEquals(StatusCode.ERROR, refusing.getStatus().getStatusCode());
            assertEquals("unavailable", refusing.getAttributes().get(AttributeKey.stringKey("error.type")));
            assertTrue(refusing.getStartEpochNanos() >= request.getStartEpochNanos()
                    && refusing.getEndEpochNanos() <= request.getEndEpochNanos(), "a sink's span lies within the request's");
        }
    }

    private static SpanData sinkSpan(List<SpanData> spans, String sink) {
        return spans.stream().filter(s -> s.getName().equals("sink " + sink)).findFirst()
                .orElseThrow(() -> new AssertionError("no span of sink " + sink + " in " + spans));
    }

    @Test
    void theOtlpExporterSendsTheSpansToTheConfiguredReceiver() throws Exception {
        List<byte[]> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", exchange -> {
            received.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.traces.enabled", "true",
                "eventgate.traces.otel.exporter.otlp.endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort(),
                "eventgate.traces.otel.bsp.schedule.delay", "20"))) {

            assertEquals(202, publishWithTraceParent(gateway).statusCode());

            // OTLP/protobuf carries names as UTF-8 and ids as raw bytes
            byte[] traceId = HexFormat.of().parseHex(TRACE_ID);
            await(() -> contains(received, Traces.REQUEST_SPAN.getBytes(StandardCharsets.UTF_8))
                    && contains(received, "sink kafka".getBytes(StandardCharsets.UTF_8))
                    && contains(received, traceId), "the spans at the receiver");
        } finally {
            receiver.stop(0);
        }
    }

    private static boolean contains(List<byte[]> bodies, byte[] part) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        bodies.forEach(all::writeBytes);
        byte[] bytes = all.toByteArray();
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void nothingIsStartedWhenTracesAreOff() throws IOException {
        MemorySpans.EXPORTER.reset();
        long exporterThreads = exporterThreads();
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                // would be used if anything read it
                "eventgate.traces.otel.traces.exporter", "memory"))) {

            assertEquals(202, publishWithTraceParent(gateway).statusCode());

            GatewayMetrics metrics = gateway.app().camelContext().getRegistry()
                    .lookupByNameAndType(GatewayMetrics.BEAN_NAME, GatewayMetrics.class);
            assertFalse(metrics.tracesEnabled());
            assertTrue(metrics.metricsEnabled());
            assertTrue(exporterThreads() <= exporterThreads, "no span exporter thread was started");
            assertEquals(List.of(), spansOf(TRACE_ID));
        }
    }

    private static long exporterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("BatchSpanProcessor")).count();
    }
}
