package io.eventgate.metrics;

import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code GET /metrics} ({@link MetricsRoutes}): every meter in the Prometheus text format (0.0.4). By
 * default it needs no token, as Prometheus scrapes usually do: it shows counts by topic and sink, never
 * an event, a subject or an error message. {@code metrics.require_admin=true} asks for the token of an
 * {@code admin_users} subject (401 without one, 403 for another subject), and
 * {@code metrics.enabled=false} makes the path unknown (404 {@code route}).
 *
 * <p>Writing the text only reads the meters, a few hundred lines with the bounded labels, and waits
 * for nothing (no lock that a request holds, no I/O), so it runs on the caller's thread (the event loop).
 */
public final class MetricsEndpoint {

    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final GatewayMetrics metrics;
    private final ConfigHolder config;

    public MetricsEndpoint(GatewayMetrics metrics, ConfigHolder config) {
        this.metrics = metrics;
        this.config = config;
    }

    public void checkEnabled(Exchange exchange) {
        if (!metrics.metricsEnabled()) {
            throw new GatewayException(404, "route", "Resource not found");
        }
    }

    /** After the JWT step, when {@code metrics.require_admin} is true. */
    public void checkAdmin(Exchange exchange) {
        String subject = exchange.getProperty(Exchanges.SUBJECT, String.class);
        if (subject == null || !config.current(exchange).admins().contains(subject.toLowerCase(Locale.ROOT))) {
            throw new GatewayException(403, "auth", "User not authorized to read the metrics");
        }
    }

    public void scrape(Exchange exchange) {
        Responses.write(exchange, 200, CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
