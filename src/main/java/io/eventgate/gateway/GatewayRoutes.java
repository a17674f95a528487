package io.eventgate.gateway;

import io.eventgate.auth.AccessCheck;
import io.eventgate.batch.BatchPublish;
import io.eventgate.auth.JwtProcessor;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ReloadEndpoint;
import io.eventgate.metrics.GatewayMetrics;
import io.eventgate.metrics.MetricsRoutes;
import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.delivery.RetrySafeDelivery;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkLimits;
import io.eventgate.sinks.SinkOutcomeStrategy;
import io.eventgate.sinks.SinkOutcomes;
import io.eventgate.topics.EventReader;
import io.eventgate.topics.TopicSchemaLoader;
import org.apache.camel.Exchange;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The gateway: one {@code direct:gateway} route that every front door feeds, and the endpoint
 * routes it dispatches to. A publish goes: JWT, topic, access (none of which needs the body), then
 * the body (strict UTF-8, one JSON object, no duplicate keys), field constraints, {@code json-validator},
 * the message key, what the active sinks can store ({@link SinkLimits}), and a parallel fan-out to the
 * sink routes, whose outcomes make the answer.
 *
 * <p>The route is asynchronous end to end and holds no thread while it waits: for the body (the
 * HTTP front door delivers it to {@link AwaitBody} when it has arrived), for the sinks (their
 * acknowledgements complete the fan-out), and for the health probes.
 */
public final class GatewayRoutes extends RouteBuilder {

    public static final String GATEWAY = "direct:gateway";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRoutes.class);

    private final ConfigHolder config;
    private final SinkDirectory sinks;
    private final HealthEndpoint health;
    private final ReloadEndpoint reload;

    public GatewayRoutes(ConfigHolder config, SinkDirectory sinks, HealthEndpoint health, ReloadEndpoint reload) {
        this.config = config;
        this.sinks = sinks;
        this.health = health;
        this.reload = reload;
    }

    @Override
    public void configure() {
        JwtProcessor jwt = new JwtProcessor(config);
        AccessCheck access = new AccessCheck(config);
        EventReader events = new EventReader(config);
        SwaggerUi swaggerUi = new SwaggerUi();
        GatewayMetrics metrics = GatewayMetrics.of(getContext());
        RetrySafeDelivery delivery = new RetrySafeDelivery(DeliveryLedger.of(getContext(), config));

        onException(GatewayException.class)
                .handled(true)
                .process(GatewayRoutes::refuse);
        onException(JsonValidationException.class)
                .handled(true)
                .process(SchemaErrors::respond);
        onException(Exception.class)
                .handled(true)
                .process(GatewayRoutes::internalError);

        from(GATEWAY).routeId("gateway")
                .process(config::pin) // one configuration per request, whatever reloads meanwhile
                .process(RequestRouter::route)
                .choice()
                    .when(endpoint(RequestRouter.Endpoint.PUBLISH)).to("direct:publish")
                    .when(endpoint(RequestRouter.Endpoint.PUBLISH_BATCH)).to(BatchPublish.ROUTE)
                    .when(endpoint(RequestRouter.Endpoint.TOPICS)).process(this::topics)
                    .when(endpoint(RequestRouter.Endpoint.TOPIC_SCHEMA)).process(events::resolveTopic).process(this::topicSchema)
                    .when(endpoint(RequestRouter.Endpoint.API)).process(this::api)
                    .when(endpoint(RequestRouter.Endpoint.DOCS)).process(swaggerUi::page)
                    .when(endpoint(RequestRouter.Endpoint.DOCS_ASSET)).process(swaggerUi::asset)
                    .when(endpoint(RequestRouter.Endpoint.TOKEN)).process(this::token)
                    .when(endpoint(RequestRouter.Endpoint.HEALTH)).process(health)
                    .when(endpoint(RequestRouter.Endpoint.TERMINATE)).to("direct:terminate")
                    .when(endpoint(RequestRouter.Endpoint.METRICS)).to(MetricsRoutes.METRICS)
                    .when(endpoint(RequestRouter.Endpoint.STATS)).to(io.eventgate.stats.StatsRoutes.STATS)
                    .otherwise().process(e -> Responses.error(e, 404, "route", "Resource not found"))
                .end();

        from("direct:publish").routeId("publish")
                .process(metrics::publishStarted)
                .process(jwt)
                .process(events::resolveTopic)
                .process(access::checkSubject)
                .process(new AwaitBody(config))
                .process(events::readEvent)
                .process(access::checkFields)
                .toD(TopicSchemaLoader.ENDPOINT) // the schema of the configuration pinned on the exchange
                .process(events::findKey)
                .process(new SinkLimits(config, sinks))
                // retry-safe delivery: the sinks that already acknowledged this event are left out
                .process(delivery.lookUp(sinks))
                .process(this::prepareFanOut)
                .process(metrics::fanOutStarted)
                .recipientList(new ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange exchange) {
                        return SinkDirectory.recipients(exchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class));
                    }
                })
                    .parallelProcessing()
                    .executorService(fanOutPool())
                    // each sink's answer is taken as it comes, not in sink order behind a slower one
                    .streaming()
                    // a sink past its deadline is late whatever it says after; the margin is the
                    // answer's own time to the client, so that it comes within deadline + 250 ms
                    .timeout(sinks.longestDeadlineMs() + 100)
                    .aggregationStrategy(metrics.observeSinks(new SinkOutcomeStrategy()))
                .end()
                .process(delivery.record())
                .process(GatewayRoutes::answerPublish);

        // POST /topics/{topic}/batch, in this builder so that it shares the error handling above
        new BatchPublish(config, sinks).addRoutes(this, jwt, access, events);

        from("direct:terminate").routeId("terminate")
                .process(jwt)
                .process(reload::checkAdmin)
                // Loading the configuration may fetch keys over the network: on its own threads, never on
                // the HTTP front door's event loop. Calls that overlap share one reload (ConfigHolder).
                .threads(4, 4).maxQueueSize(8).rejectedPolicy(ThreadPoolRejectedPolicy.Abort).threadName("reload")
                .process(reload::reload)
                .choice()
                    .when(e -> RoutePresence.hasRouteFrom(e.getContext(), ReloadEndpoint.RECYCLE_ENDPOINT))
                        .to(ReloadEndpoint.RECYCLE_ENDPOINT)
                .end();
    }

    /**
     * The threads that hand an event to each sink. A sink call returns as soon as the sink has the
     * event (Kafka's send, the EventBridge and Postgres pools' queues), so few threads are
     * needed; there are more than that so that a Kafka send that blocks for metadata
     * ({@code sinks.kafka.max_block_ms}) does not hold up the other sinks. Never the caller's thread:
     * the caller is the HTTP front door's event loop. Beyond the queue a publish fails at once.
     */
    private java.util.concurrent.ExecutorService fanOutPool() {
        int threads = (int) config.current().settings().getLong("fan_out_threads", 16);
        return getContext().getExecutorServiceManager().newThreadPool(this, "fan-out",
                new ThreadPoolProfileBuilder("eventgate-fan-out")
                        .poolSize(threads).maxPoolSize(threads).maxQueueSize(10_000)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
    }

    /** The {@code .to()} above creates the endpoint itself, so look for a route that consumes it. */
    private org.apache.camel.Predicate endpoint(RequestRouter.Endpoint endpoint) {
        return exchangeProperty(RequestRouter.ENDPOINT).isEqualTo(endpoint.name());
    }

    private void topics(Exchange exchange) {
        Responses.json(exchange, 200, config.current(exchange).topics().names());
    }

    private void topicSchema(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        Responses.write(exchange, 200, Responses.APPLICATION_JSON,
                config.current(exchange).topics().find(topic).orElseThrow().schemaJson());
    }

    private void api(Exchange exchange) {
        Responses.write(exchange, 200, "application/yaml", config.current(exchange).apiYaml());
    }

    private void token(Exchange exchange) {
        Responses.write(exchange, 303, "text/plain; charset=utf-8", "");
        exchange.getMessage().setHeader("Location", config.current(exchange).tokenProviderUrl());
    }

    private void prepareFanOut(Exchange exchange) {
        List<SinkDirectory.Sink> active = sinks.active();
        if (active.isEmpty()) {
            // Accepting an event that reaches no sink would lose it.
            throw new GatewayException(500, "internal", "No sink is configured");
        }
        exchange.setProperty(Exchanges.OUTCOMES, new SinkOutcomes(RetrySafeDelivery.pending(exchange, active)));
    }

    private static void answerPublish(Exchange exchange) {
        SinkOutcomes outcomes = exchange.getProperty(Exchanges.OUTCOMES, SinkOutcomes.class);
        outcomes.close();
        List<Responses.Error> errors = outcomes.errors();
        exchange.getMessage().removeHeaders("*");
        if (errors.isEmpty()) {
            Responses.success(exchange, 202);
        } else {
            LOG.warn("Publish to {} failed in {}", exchange.getProperty(Exchanges.TOPIC), errors);
            Responses.errors(exchange, 500, errors);
        }
    }

    private static void refuse(Exchange exchange) {
        GatewayException refusal = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, GatewayException.class);
        exchange.getMessage().removeHeaders("*");
        Responses.errors(exchange, refusal.status(), refusal.errors());
    }

    private static void internalError(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("Unexpected error on {} {}", exchange.getProperty(Exchanges.METHOD),
                exchange.getProperty(Exchanges.PATH), cause);
        exchange.getMessage().removeHeaders("*");
        Responses.error(exchange, 500, "internal", "Unexpected server error");
    }
}
