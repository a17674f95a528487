package io.eventgate.sinks;

import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.RoutePresence;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The per-sink part of {@code /health}. A sink that is not configured says so. A configured sink
 * with a probe route {@code direct:health-<name>} is "ok" when the probe finishes within the
 * sink's deadline without an exception or {@link Exchanges#SINK_ERROR}; a sink without a probe is "ok".
 *
 * <p>Nothing waits here: the probes run on the producer template's bounded pool (they may block,
 * e.g. a Kafka describe-cluster), and the report completes when the last one answers or times out.
 * Concurrent health checks share the probe already running for a sink instead of starting another,
 * so a dependency that hangs costs one probe at a time, not one per request.
 *
 * <p>With {@code delivery.repository=jdbc} the report also holds {@link #DELIVERY_LEDGER}.
 */
public final class SinkHealth {

    public static final String NOT_CONFIGURED = "not configured";
    public static final String OK = "ok";
    /**
     * The key of the shared acknowledgement table ({@code delivery.repository=jdbc}) among the
     * dependencies: "ok" or its reason. It is never among the failures: when only it is down, a
     * publish still succeeds (acknowledgements are kept in memory until it answers), so /health stays 200.
     */
    public static final String DELIVERY_LEDGER = "delivery_ledger";

    /** Every sink's status, and the failures among them. */
    public record Report(Map<String, String> dependencies, Map<String, String> failures) {
    }

    private final SinkDirectory directory;
    private final Map<String, CompletableFuture<String>> running = new ConcurrentHashMap<>();
    private volatile ProducerTemplate template;

    public SinkHealth(SinkDirectory directory) {
        this.directory = directory;
    }

    public CompletableFuture<Report> check(CamelContext context) {
        List<SinkDirectory.Sink> sinks = directory.all();
        Map<String, CompletableFuture<String>> statuses = new LinkedHashMap<>();
        for (SinkDirectory.Sink sink : sinks) {
            String probe = "direct:health-" + sink.name();
            if (!sink.configured()) {
                statuses.put(sink.name(), CompletableFuture.completedFuture(NOT_CONFIGURED));
            } else if (RoutePresence.hasRouteFrom(context, probe)) {
                statuses.put(sink.name(), probeOnce(context, sink, probe));
            } else {
                statuses.put(sink.name(), CompletableFuture.completedFuture(OK));
            }
        }
        // The shared table of retry-safe delivery: reported, never a failure (a publish does not need it).
        DeliveryLedger ledger = context.getRegistry().lookupByNameAndType(DeliveryLedger.BEAN_NAME, DeliveryLedger.class);
        CompletableFuture<String> ledgerStatus = ledger == null ? null : ledger.health().orElse(null);
        List<CompletableFuture<String>> all = new ArrayList<>(statuses.values());
        if (ledgerStatus != null) {
            all.add(ledgerStatus);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, String> dependencies = new LinkedHashMap<>();
            Map<String, String> failures = new LinkedHashMap<>();
            statuses.forEach((name, status) -> {
                String value = status.join();
                dependencies.put(name, value);
                if (!OK.equals(value) && !NOT_CONFIGURED.equals(value)) {
                    failures.put(name, value);
                }
            });
            if (ledgerStatus != null) {
                dependencies.put(DELIVERY_LEDGER, ledgerStatus.join());
            }
            return new Report(dependencies, failures);
        });
    }

    /**
     * The sink's probe in flight, which checks at the same time share, or a new one. A probe leaves
     * {@link #running} before its status is handed to anyone, so a check that follows an answered one
     * probes again. (Removed once the answer's dependents had run, as before, a check sent right after
     * an answer could get that old answer; and a probe that completed inside {@code computeIfAbsent}
     * removed itself from within it: "Recursive update", or a status kept for good.)
     */
    private CompletableFuture<String> probeOnce(CamelContext context, SinkDirectory.Sink sink, String endpoint) {
        CompletableFuture<String> mine = new CompletableFuture<>();
        CompletableFuture<String> inFlight = running.putIfAbsent(sink.name(), mine);
        if (inFlight != null) {
            return inFlight;
        }
        try {
            probe(context, sink, endpoint).whenComplete((value, failure) -> {
                running.remove(sink.name(), mine);
                mine.complete(failure == null ? value : String.valueOf(failure.getMessage()));
            });
        } catch (RuntimeException e) {
            running.remove(sink.name(), mine);
            mine.complete(String.valueOf(e.getMessage()));
        }
        return mine;
    }

    private CompletableFuture<String> probe(CamelContext context, SinkDirectory.Sink sink, String endpoint) {
        return template(context).asyncSend(endpoint, new DefaultExchange(context))
                .thenApply(SinkHealth::statusOf)
                .exceptionally(failure -> String.valueOf(failure.getMessage()))
                .completeOnTimeout("no answer within " + sink.timeoutMs() + " ms", sink.timeoutMs(), TimeUnit.MILLISECONDS);
    }

    private static String statusOf(Exchange result) {
        String reported = result.getProperty(Exchanges.SINK_ERROR, String.class);
        if (reported != null) {
            return reported;
        }
        if (result.getException() != null) {
            return String.valueOf(result.getException().getMessage());
        }
        return OK;
    }

    private ProducerTemplate template(CamelContext context) {
        ProducerTemplate current = template;
        if (current == null) {
            synchronized (this) {
                if (template == null) {
                    template = context.createProducerTemplate();
                }
                current = template;
            }
        }
        return current;
    }
}
