package io.eventgate.batch;

import io.eventgate.auth.AccessCheck;
import io.eventgate.auth.JwtProcessor;
import io.eventgate.config.ConfigHolder;
import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.delivery.RetrySafeDelivery;
import io.eventgate.gateway.AwaitBody;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.RoutePresence;
import io.eventgate.metrics.GatewayMetrics;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkLimits;
import io.eventgate.sinks.SinkOutcomeStrategy;
import io.eventgate.topics.EventReader;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code POST /topics/{topic}/batch}: the routes of a batch publish, added to the gateway's route
 * builder so that they share its error handling (a refusal of the whole request has the contract's
 * body). The route reads top to bottom like the single-event one: token, topic, access (once per
 * request), body, each event's checks ({@link BatchReader}), the plan ({@link BatchPlan}), one
 * parallel fan-out whose acknowledgements are awaited together, and the answer ({@link BatchOutcomes}).
 *
 * <p>Each sink gets its events in one exchange. A sink with a batch route, {@code from:
 * direct:batch-sink-<name>}, takes them all at once: the body is a {@code List<String>} of the events'
 * JSON texts, the property {@value #KEYS} the list of their keys (null where none), and it reports per
 * event in the property {@value #SINK_ERRORS}, a list with null for each acknowledged event and the
 * reason for each failed one (or, for all of them, {@code eventGateSinkError} or an exception). A
 * sink without one gets the events one by one through its {@code direct:sink-<name>} ({@value #EACH}).
 */
public final class BatchPublish {

    public static final String ROUTE = "direct:publish-batch";
    public static final String ROUTE_PREFIX = "batch-sink-";
    public static final String KEYS = "eventGateBatchKeys";
    public static final String SINK_ERRORS = "eventGateSinkErrors";
    /** The sink's share ({@link Delivery}) on each copy of the fan-out. */
    public static final String DELIVERY = "eventGateBatchDelivery";
    static final String EACH = "direct:batch-each";
    /** The sink's name on each copy of the fan-out. */
    static final String SINK = "eventGateBatchSink";

    private static final Logger LOG = LoggerFactory.getLogger(BatchPublish.class);

    private final ConfigHolder config;
    private final SinkDirectory sinks;

    public BatchPublish(ConfigHolder config, SinkDirectory sinks) {
        this.config = config;
        this.sinks = sinks;
    }

    /** Adds the routes to {@code builder} (the gateway's), reusing its checks. */
    public void addRoutes(RouteBuilder builder, JwtProcessor jwt, AccessCheck access, EventReader events) {
        CamelContext context = builder.getContext();
        BatchLedger ledger = new BatchLedger(new RetrySafeDelivery(DeliveryLedger.of(context, config)), sinks);
        GatewayMetrics metrics = GatewayMetrics.of(context);
        builder.from(ROUTE).routeId("publish-batch")
                .process(metrics::publishStarted)
                .process(jwt)
                .process(events::resolveTopic)
                .process(access::checkSubject)
                .process(new AwaitBody(config))
                .process(new BatchReader(config, access, new SinkLimits(config, sinks)))
                // retry-safe delivery, per event: the sinks that already acknowledged it are left out
                .process(ledger.lookUp())
                .process(this::plan)
                .process(metrics::fanOutStarted)
                .recipientList(new ExpressionAdapter() {
                    @Override
                    public Object evaluate(Exchange exchange) {
                        return recipients(exchange);
                    }
                })
                    .parallelProcessing()
                    .executorService(pool(builder, context, "batch-fan-out", "fan_out_threads"))
                    .streaming()
                    // as for one event: a sink past its deadline is late whatever it says after
                    .timeout(sinks.longestDeadlineMs() + 100)
                    .onPrepare(BatchPublish::prepare)
                    .aggregationStrategy(new DeliveryStrategy(metrics))
                .end()
                .process(ledger.record())
                .process(BatchPublish::answer);

        // A sink without a batch route: its events one by one, at once, through its own route.
        builder.from(EACH).routeId("batch-each")
                .split(builder.body())
                    .parallelProcessing()
                    .executorService(pool(builder, context, "batch-each", "batch_each_threads"))
                    .aggregationStrategy(new EachStrategy())
                    .process(BatchPublish::oneEvent)
                    .toD("direct:" + SinkDirectory.ROUTE_PREFIX + "${exchangeProperty." + SINK + "}")
                .end()
                .removeProperty(Exchanges.SINK_ERROR);
    }

    private ExecutorService pool(RouteBuilder builder, CamelContext context, String name, String setting) {
        int threads = (int) config.current().settings().getLong(setting, 16);
        return context.getExecutorServiceManager().newThreadPool(builder, name,
                new ThreadPoolProfileBuilder("eventgate-" + name)
                        .poolSize(threads).maxPoolSize(threads).maxQueueSize(10_000)
                        .rejectedPolicy(ThreadPoolRejectedPolicy.Abort).build());
    }

    private void plan(Exchange exchange) {
        List<SinkDirectory.Sink> active = sinks.active();
        if (active.isEmpty()) {
            throw new GatewayException(500, "internal", "No sink is configured");
        }
        @SuppressWarnings("unchecked")
        List<BatchEvent> events = exchange.getProperty(BatchReader.EVENTS, List.class);
        BatchLedger.Known known = exchange.getProperty(BatchLedger.PROPERTY, BatchLedger.Known.class);
        exchange.setProperty(BatchOutcomes.PROPERTY, new BatchOutcomes(events, active, known,
                sink -> !EACH.equals(endpoint(exchange, sink.name()))));
    }

    /** The sinks' routes, in the order of the deliveries (which {@link #prepare} relies on). */
    private List<String> recipients(Exchange exchange) {
        BatchOutcomes outcomes = exchange.getProperty(BatchOutcomes.PROPERTY, BatchOutcomes.class);
        List<String> uris = new ArrayList<>();
        for (Delivery delivery : outcomes.deliveries()) {
            uris.add(endpoint(exchange, delivery.sink().name()));
        }
        return uris;
    }

    /**
     * The sink's batch route, or {@value #EACH} when it has none: looked up for each batch, not
     * remembered, since a live reload may add or remove the route while EventGate runs.
     */
    private String endpoint(Exchange exchange, String sink) {
        String batchRoute = "direct:" + ROUTE_PREFIX + sink;
        return RoutePresence.hasRouteFrom(exchange.getContext(), batchRoute) ? batchRoute : EACH;
    }

    /**
     * Gives each copy of the fan-out its sink's share. Camel makes the copies one after the other, in
     * the order of the recipients, before any is sent; so the n-th copy is the n-th delivery.
     */
    private static void prepare(Exchange copy) {
        Delivery delivery = copy.getProperty(BatchOutcomes.PROPERTY, BatchOutcomes.class).nextDelivery();
        copy.setProperty(DELIVERY, delivery);
        copy.setProperty(SINK, delivery.sink().name());
        copy.setProperty(KEYS, delivery.keys());
        copy.removeProperty(BatchReader.EVENTS);
        copy.getMessage().setBody(delivery.texts());
    }

    /** A split copy of {@value #EACH}: one event, as the single-event sink route expects it. */
    private static void oneEvent(Exchange exchange) {
        int position = exchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        String key = delivery.events().get(position).key();
        if (key == null) {
            exchange.removeProperty(Exchanges.KEY);
        } else {
            exchange.setProperty(Exchanges.KEY, key);
        }
        exchange.removeProperty(KEYS);
    }

    private static void answer(Exchange exchange) {
        BatchOutcomes outcomes = exchange.getProperty(BatchOutcomes.PROPERTY, BatchOutcomes.class);
        outcomes.close();
        exchange.getMessage().removeHeaders("*");
        String sinkFailures = outcomes.answer(exchange);
        if (sinkFailures != null) {
            LOG.warn("Batch publish to {} failed in a sink for {}", exchange.getProperty(Exchanges.TOPIC), sinkFailures);
        }
    }

    /** Records what each sink answered for its share. The exceptions stop here. */
    static final class DeliveryStrategy implements AggregationStrategy {
        private final GatewayMetrics metrics;

        DeliveryStrategy(GatewayMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
            Delivery delivery = newExchange.getProperty(DELIVERY, Delivery.class);
            if (delivery != null) {
                Exception exception = newExchange.getException() != null ? newExchange.getException()
                        : newExchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                String sinkError = newExchange.getProperty(Exchanges.SINK_ERROR, String.class);
                List<?> perEvent = newExchange.getProperty(SINK_ERRORS, List.class);
                if (perEvent != null && perEvent.size() == delivery.events().size()) {
                    for (int i = 0; i < perEvent.size(); i++) {
                        Object error = perEvent.get(i);
                        delivery.answer(i, error == null ? null : error.toString());
                    }
                } else {
                    String failure = SinkOutcomeStrategy.failure(newExchange);
                    delivery.answerAll(failure != null ? failure
                            : perEvent != null ? "The sink answered for " + perEvent.size() + " of "
                              + delivery.events().size() + " events" : null);
                }
                delivery.release();
                metrics.batchSinkAnswered(newExchange, delivery.sink().name(), delivery.events().size(),
                        delivery.failed(), exception != null ? exception : delivery.firstException(), sinkError);
            }
            newExchange.setException(null);
            return oldExchange == null ? newExchange : oldExchange;
        }
    }

    /** Records what a sink without a batch route answered for each event. */
    static final class EachStrategy implements AggregationStrategy {
        @Override
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
            Delivery delivery = newExchange.getProperty(DELIVERY, Delivery.class);
            Integer position = newExchange.getProperty(Exchange.SPLIT_INDEX, Integer.class);
            if (delivery != null && position != null) {
                delivery.answer(position, SinkOutcomeStrategy.failure(newExchange));
                delivery.exceptionOnOne(newExchange.getException() != null ? newExchange.getException()
                        : newExchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
            }
            newExchange.setException(null);
            newExchange.removeProperty(Exchanges.SINK_ERROR);
            return oldExchange == null ? newExchange : oldExchange;
        }
    }
}
