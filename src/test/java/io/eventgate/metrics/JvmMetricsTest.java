package io.eventgate.metrics;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVM's meters of {@code /metrics} are bound after start, off the path to the first request
 * ({@link GatewayMetrics#bindJvmMetricsInBackground}), yet every scrape shows them, the first one too.
 */
class JvmMetricsTest {

    private static final List<String> JVM_METERS = List.of(
            "jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total", "system_cpu_count", "process_uptime_seconds");

    @Test
    void everyScrapeShowsTheJvmMetersTheFirstToo() {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()))) {
            for (int scrape = 0; scrape < 2; scrape++) {
                HttpResponse<String> response = gateway.get("/metrics");
                assertEquals(200, response.statusCode(), response.body());
                for (String meter : JVM_METERS) {
                    assertTrue(response.body().contains("\n" + meter), meter + " missing in " + response.body());
                }
            }
        }
    }

    @Test
    void theJvmMetersAreBoundAfterStartWithoutAScrape() throws InterruptedException {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()))) {
            GatewayMetrics metrics = gateway.app().camelContext().getRegistry()
                    .lookupByNameAndType(GatewayMetrics.BEAN_NAME, GatewayMetrics.class);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!metrics.jvmMetricsBound() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(metrics.jvmMetricsBound());
        }
    }
}
