package io.eventgate.gateway;

import io.eventgate.sinks.SinkHealth;
import org.apache.camel.Exchange;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 {@code {"status":"ok","uptime_seconds":N,"dependencies":{...}}} when every
 * configured sink is healthy, else 503 {@code {"status":"degraded","failures":{...},"dependencies":{...}}}.
 */
public final class HealthEndpoint {

    private final SinkHealth sinkHealth;
    private final long startedAtMillis = System.currentTimeMillis();

    public HealthEndpoint(SinkHealth sinkHealth) {
        this.sinkHealth = sinkHealth;
    }

    public void handle(Exchange exchange) {
        SinkHealth.Report report = sinkHealth.check(exchange.getContext());
        Map<String, Object> body = new LinkedHashMap<>();
        if (report.failures().isEmpty()) {
            body.put("status", "ok");
            body.put("uptime_seconds", (System.currentTimeMillis() - startedAtMillis) / 1000);
            body.put("dependencies", report.dependencies());
            Responses.json(exchange, 200, body);
        } else {
            body.put("status", "degraded");
            body.put("failures", report.failures());
            body.put("dependencies", report.dependencies());
            Responses.json(exchange, 503, body);
        }
    }
}
