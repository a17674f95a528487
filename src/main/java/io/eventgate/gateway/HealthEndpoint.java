package io.eventgate.gateway;

import io.eventgate.sinks.SinkHealth;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health}: 200 {@code {"status":"ok","uptime_seconds":N,"dependencies":{...}}} when every
 * configured sink is healthy, else 503 {@code {"status":"degraded","failures":{...},"dependencies":{...}}}.
 * Asynchronous: the answer is written when the sinks' probes have answered, holding no thread meanwhile.
 */
public final class HealthEndpoint extends AsyncProcessorSupport {

    private final SinkHealth sinkHealth;
    private final long startedAtMillis = System.currentTimeMillis();

    public HealthEndpoint(SinkHealth sinkHealth) {
        this.sinkHealth = sinkHealth;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        sinkHealth.check(exchange.getContext()).whenComplete((report, failure) -> {
            if (failure != null) {
                exchange.setException(failure);
            } else {
                answer(exchange, report);
            }
            callback.done(false);
        });
        return false;
    }

    private void answer(Exchange exchange, SinkHealth.Report report) {
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
