package io.eventgate.sinks;

import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.RoutePresence;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The per-sink part of {@code /health}. A sink that is not configured says so. A configured sink
 * with a probe route {@code direct:health-<name>} is "ok" when the probe finishes within the
 * sink's deadline without an exception or {@link Exchanges#SINK_ERROR}; a sink without a probe is "ok".
 */
public final class SinkHealth {

    public static final String NOT_CONFIGURED = "not configured";
    public static final String OK = "ok";

    /** Every sink's status, and the failures among them. */
    public record Report(Map<String, String> dependencies, Map<String, String> failures) {
    }

    private final SinkDirectory directory;

    public SinkHealth(SinkDirectory directory) {
        this.directory = directory;
    }

    public Report check(CamelContext context) {
        List<SinkDirectory.Sink> sinks = directory.all();
        ProducerTemplate template = context.createProducerTemplate();
        try {
            Map<String, CompletableFuture<Exchange>> probes = new LinkedHashMap<>();
            for (SinkDirectory.Sink sink : sinks) {
                String probe = "direct:health-" + sink.name();
                if (sink.configured() && RoutePresence.hasRouteFrom(context, probe)) {
                    probes.put(sink.name(), template.asyncSend(probe, new DefaultExchange(context)));
                }
            }
            Map<String, String> dependencies = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            for (SinkDirectory.Sink sink : sinks) {
                String status;
                if (!sink.configured()) {
                    status = NOT_CONFIGURED;
                } else if (probes.containsKey(sink.name())) {
                    status = await(probes.get(sink.name()), sink.timeoutMs());
                } else {
                    status = OK;
                }
                dependencies.put(sink.name(), status);
                if (!OK.equals(status) && !NOT_CONFIGURED.equals(status)) {
                    failures.put(sink.name(), status);
                }
            }
            return new Report(dependencies, failures);
        } finally {
            try {
                template.stop();
            } catch (Exception ignored) {
                // nothing to release beyond what stop already did
            }
        }
    }

    private static String await(CompletableFuture<Exchange> probe, long timeoutMs) {
        try {
            Exchange result = probe.get(timeoutMs, TimeUnit.MILLISECONDS);
            String reported = result.getProperty(Exchanges.SINK_ERROR, String.class);
            if (reported != null) {
                return reported;
            }
            if (result.getException() != null) {
                return String.valueOf(result.getException().getMessage());
            }
            return OK;
        } catch (java.util.concurrent.TimeoutException e) {
            return "no answer within " + timeoutMs + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.util.concurrent.ExecutionException e) {
            return String.valueOf(e.getCause().getMessage());
        }
    }
}
