package io.eventgate.metrics;

import io.eventgate.auth.JwtProcessor;
import io.eventgate.config.ConfigHolder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The route of {@code GET /metrics} ({@link MetricsEndpoint}), which the gateway route dispatches to.
 * The token step is the asynchronous JWT step of the publish route, taken only when
 * {@code metrics.require_admin} is true.
 */
public final class MetricsRoutes extends RouteBuilder {

    public static final String METRICS = "direct:metrics";

    private final ConfigHolder config;

    public MetricsRoutes(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public void configure() {
        // Errors go back to the gateway route, whose onException answers them.
        errorHandler(noErrorHandler());
        GatewayMetrics metrics = GatewayMetrics.of(getContext());
        MetricsEndpoint endpoint = new MetricsEndpoint(metrics, config);

        from(METRICS).routeId("metrics")
                .process(endpoint::checkEnabled)
                .filter(exchange -> metrics.requireAdmin())
                    .process(new JwtProcessor(config))
                    .process(endpoint::checkAdmin)
                .end()
                .process(endpoint::scrape);
    }
}
