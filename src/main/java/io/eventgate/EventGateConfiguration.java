package io.eventgate;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigPoll;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.ReloadEndpoint;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.config.SettingsPropertiesSource;
import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.frontdoor.HttpFrontDoor;
import io.eventgate.frontdoor.HttpPriming;
import io.eventgate.gateway.GatewayRoutes;
import io.eventgate.gateway.HealthEndpoint;
import io.eventgate.metrics.GatewayMetrics;
import io.eventgate.metrics.MetricsRoutes;
import io.eventgate.sinks.KafkaClients;
import io.eventgate.sinks.KafkaHealthCheck;
import io.eventgate.sinks.KafkaSecurity;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkHealth;
import io.eventgate.sinks.SinkRouteFilter;
import io.eventgate.sinks.eventbridge.EventBridgeSink;
import io.eventgate.sinks.postgres.PostgresDataSource;
import io.eventgate.stats.StatsRoutes;
import io.eventgate.topics.TopicSchemaLoader;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

import java.util.Map;

/**
 * EventGate in camel-main's own idiom: the beans that the routes call, bound by {@link BindToRegistry}
 * methods, and the gateway's Java routes as a {@link RoutesBuilder} bean that camel-main collects
 * from the registry; the sink routes are the YAML files of the routes include pattern. Every
 * camel-main launcher starts the same application from it: {@code java -jar} and the Lambda handler
 * (through {@link EventGateApplication}), the dev run, and Camel JBang
 * ({@code camel.main.configuration-classes = io.eventgate.EventGateConfiguration}, see README).
 *
 * <p>The configuration folder is read when this object is made, so a broken file stops start-up
 * here, with its one-line reason ({@code ConfigException}), before Camel starts.
 */
public class EventGateConfiguration implements CamelConfiguration {

    /** The EventBridge SDK client that {@code routes/eventbridge.yaml} gives the aws2-eventbridge endpoint. */
    public static final String EVENTBRIDGE_CLIENT = "eventBridgeClient";
    public static final String EVENTBRIDGE_SINK = "eventBridgeSink";

    private static final Logger LOG = LoggerFactory.getLogger(EventGateConfiguration.class);

    private final EventGateApplication.FrontDoor frontDoor;
    private final ConfigReader reader;
    private final ConfigLoader loader;
    private final ConfigHolder config;
    private final SinkDirectory sinks;
    private final KafkaHealthCheck kafkaHealth;
    private final KafkaClients kafkaClients;
    private final EventBridgeSink eventBridge;
    private final PostgresDataSource postgres;
    private final GatewayMetrics metrics;
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * For camel-main launchers that make the configuration class themselves (Camel JBang): the HTTP
     * front door, the configuration folder from {@code CONF_DIR} (or S3), no overrides.
     */
    public EventGateConfiguration() {
        this(EventGateApplication.FrontDoor.HTTP, new S3ConfigReader(), Map.of());
    }

    /**
     * @param reader    reads locations that are not local paths (such as {@code s3://}); closed
     *                  when Camel stops if it is {@link AutoCloseable}
     * @param overrides settings ({@code eventgate.<key>}) that win over everything else
     */
    public EventGateConfiguration(EventGateApplication.FrontDoor frontDoor, ConfigReader reader,
                                  Map<String, String> overrides) {
        this.frontDoor = frontDoor;
        this.reader = reader;
        this.loader = ConfigLoader.forThisProcess(reader, overrides);
        this.config = new ConfigHolder(loader::load);
        DeliveryLedger.checkSettings(config.current().settings());
        this.sinks = new SinkDirectory(config);
        // The Kafka health probe and the sink's client factory share the Kafka security properties.
        KafkaSecurity kafkaSecurity = new KafkaSecurity(config);
        this.kafkaHealth = new KafkaHealthCheck(config, kafkaSecurity);
        this.kafkaClients = new KafkaClients(kafkaSecurity);
        this.eventBridge = EventBridgeSink.fromSettings(config.current().settings());
        this.postgres = new PostgresDataSource(config);
        this.metrics = GatewayMetrics.create(config, sinks, frontDoor == EventGateApplication.FrontDoor.HTTP);
    }

    @BindToRegistry(ConfigHolder.BEAN_NAME)
    public ConfigHolder eventGateConfig() {
        return config;
    }

    @BindToRegistry(SinkDirectory.BEAN_NAME)
    public SinkDirectory sinkDirectory() {
        return sinks;
    }

    @BindToRegistry(TopicSchemaLoader.BEAN_NAME)
    public TopicSchemaLoader topicSchemaLoader() {
        return new TopicSchemaLoader(config);
    }

    /** The Kafka sink's {@code /health} probe ({@code routes/kafka.yaml}). */
    @BindToRegistry(KafkaHealthCheck.BEAN_NAME)
    public KafkaHealthCheck kafkaHealthCheck() {
        return kafkaHealth;
    }

    /** The EventBridge sink's request and error steps ({@code routes/eventbridge.yaml}). */
    @BindToRegistry(EVENTBRIDGE_SINK)
    public EventBridgeSink eventBridgeSink() {
        return eventBridge;
    }

    /** The Kafka sink's client factory, which adds the security settings ({@code routes/kafka.yaml}). */
    @BindToRegistry(KafkaClients.BEAN_NAME)
    public KafkaClients kafkaClients() {
        return kafkaClients;
    }

    /** The client of the EventBridge sink, with its retry policy and call timeout ({@link EventBridgeSink}). */
    @BindToRegistry(value = EVENTBRIDGE_CLIENT, lazy = true)
    public EventBridgeClient eventBridgeClient() {
        return eventBridge.client();
    }

    /** The Postgres sink's pool ({@code routes/postgres.yaml}), connecting on first use. */
    @BindToRegistry(PostgresDataSource.BEAN_NAME)
    public PostgresDataSource postgresDataSource() {
        return postgres;
    }

    /** The gateway route and its endpoints (Java DSL); camel-main collects it from the registry. */
    @BindToRegistry("gatewayRoutes")
    public RoutesBuilder gatewayRoutes() {
        return new GatewayRoutes(config, sinks, new HealthEndpoint(new SinkHealth(sinks)), new ReloadEndpoint(config, sinks));
    }

    /** The request and sink metrics ({@code GET /metrics}) and the optional traces. */
    @BindToRegistry(GatewayMetrics.BEAN_NAME)
    public GatewayMetrics eventGateMetrics() {
        return metrics;
    }

    /** {@code GET /metrics} (Java DSL). */
    @BindToRegistry("metricsRoutes")
    public RoutesBuilder metricsRoutes() {
        return new MetricsRoutes(config);
    }

    /** {@code POST /stats/{topic}} (Java DSL). */
    @BindToRegistry("statsRoutes")
    public RoutesBuilder statsRoutes() {
        return new StatsRoutes(config);
    }

    /** The configuration poll: by default every {@link ConfigPoll#DEFAULT_SECONDS} s for the HTTP server, off in Lambda. */
    @BindToRegistry("configPoll")
    public RoutesBuilder configPoll() {
        return new ConfigPoll(config, loader, sinks,
                frontDoor == EventGateApplication.FrontDoor.HTTP ? ConfigPoll.DEFAULT_SECONDS : 0);
    }

    /**
     * Runs before the routes are loaded: the settings become Camel properties {@code eventgate.<key>},
     * a sink route that needs a setting the configuration lacks is left out ({@link SinkRouteFilter}),
     * and once the routes run the sinks are discovered and the HTTP front door opens.
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        context.getPropertiesComponent().addPropertiesSource(new SettingsPropertiesSource(config));
        context.getCamelContextExtension().getContextPlugin(Model.class)
                .setRouteFilter(new SinkRouteFilter(context, sinks));
        HttpFrontDoor http = frontDoor == EventGateApplication.FrontDoor.HTTP ? new HttpFrontDoor(config) : null;
        context.addStartupListener((ctx, alreadyStarted) -> {
            sinks.refresh(ctx);
            eventBridge.start();
            postgres.start();
            if (http != null) {
                // The routes run now: open the door (stopped with the context).
                ctx.addService(http, true, true);
                HttpPriming.startIfWanted(EventGateApplication.running(ctx, config, sinks));
                // the JVM's meters are for /metrics, not for the first requests: bound a little later
                metrics.bindJvmMetricsInBackground();
            } else {
                metrics.bindJvmMetrics();
            }
        });
        // A route added or removed while running (a live reload, camel.main.routes-reload-enabled or
        // camel run --dev) may be a sink: look at the routes again.
        context.getManagementStrategy().addEventNotifier(new SimpleEventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteStartedEvent || event instanceof CamelEvent.RouteRemovedEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                if (context.isStarted()) {
                    sinks.refresh(context);
                }
            }
        });
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                release();
            }
        }, true, true);
    }

    /**
     * Releases the sinks' clients and the configuration reader, once: Camel does it when it stops, and
     * {@link EventGateApplication#start()} when the start fails (the service above is stopped only once
     * it has started, so a start that fails while Camel builds the routes would leave them running).
     */
    void release() {
        if (!released.compareAndSet(false, true)) {
            return;
        }
        kafkaHealth.close();
        eventBridge.close();
        postgres.close();
        metrics.close();
        if (reader instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the configuration reader failed: {}", e.getMessage());
            }
        }
    }

    public ConfigHolder config() {
        return config;
    }

    public SinkDirectory sinks() {
        return sinks;
    }
}
