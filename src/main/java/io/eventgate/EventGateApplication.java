package io.eventgate;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigPoll;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.ReloadEndpoint;
import io.eventgate.config.SettingsPropertiesSource;
import io.eventgate.delivery.DeliveryLedger;
import io.eventgate.frontdoor.HttpFrontDoor;
import io.eventgate.frontdoor.HttpPriming;
import io.eventgate.gateway.GatewayRoutes;
import io.eventgate.gateway.HealthEndpoint;
import io.eventgate.sinks.SinkBeans;
import io.eventgate.sinks.SinkDirectory;
import io.eventgate.sinks.SinkHealth;
import io.eventgate.topics.TopicSchemaLoader;
import org.apache.camel.CamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Assembles EventGate on Camel Main, the same for every way it runs: the configuration, the shared
 * gateway route (Java DSL), the sink routes (YAML, from the routes folder) and, for the HTTP server,
 * the HTTP front door ({@link HttpFrontDoor}, started once the routes run). The Lambda handler uses
 * it without the HTTP front door.
 */
public final class EventGateApplication {

    /** Environment variable naming the sink routes folder(s), comma-separated; default {@code routes}. */
    public static final String ROUTES_DIR_ENV = "EVENTGATE_ROUTES_DIR";
    /** System property for the same (wins over the environment). */
    public static final String ROUTES_DIR_PROPERTY = "eventgate.routes-dir";

    private static final Logger LOG = LoggerFactory.getLogger(EventGateApplication.class);

    /** How the application is reached. */
    public enum FrontDoor { HTTP, NONE }

    private final Main main;
    private final ConfigHolder config;
    private final SinkDirectory sinks;

    private EventGateApplication(Main main, ConfigHolder config, SinkDirectory sinks) {
        this.main = main;
        this.config = config;
        this.sinks = sinks;
    }

    /**
     * Loads the configuration (a {@code ConfigException} here stops start-up with its one-line
     * reason) and prepares Camel Main; nothing is started yet.
     *
     * @param reader    reads locations that are not local paths (such as {@code s3://}); closed
     *                  when the application stops if it is {@link AutoCloseable}
     * @param overrides settings ({@code eventgate.<key>}) and Camel properties that win over
     *                  everything else, as JVM system properties would
     */
    public static EventGateApplication create(FrontDoor frontDoor, ConfigReader reader, Map<String, String> overrides) {
        ConfigLoader loader = ConfigLoader.forThisProcess(reader, overrides);
        ConfigHolder config = new ConfigHolder(loader::load);
        DeliveryLedger.checkSettings(config.current().settings());
        SinkDirectory sinks = new SinkDirectory(config);

        Main main = new Main();
        main.bind(ConfigHolder.BEAN_NAME, config);
        main.bind(SinkDirectory.BEAN_NAME, sinks);
        main.bind(TopicSchemaLoader.BEAN_NAME, new TopicSchemaLoader(config));
        SinkBeans sinkBeans = SinkBeans.bindTo(main, config);
        main.configure().withRoutesIncludePattern(routesPattern(overrides.get(ROUTES_DIR_PROPERTY)));
        main.configure().addRoutesBuilder(new GatewayRoutes(config, sinks,
                new HealthEndpoint(new SinkHealth(sinks)), new ReloadEndpoint(config, sinks)));
        main.configure().addRoutesBuilder(new io.eventgate.stats.StatsRoutes(config));
        main.configure().addRoutesBuilder(new ConfigPoll(config, loader, sinks,
                frontDoor == FrontDoor.HTTP ? ConfigPoll.DEFAULT_SECONDS : 0));
        HttpFrontDoor http = frontDoor == FrontDoor.HTTP ? new HttpFrontDoor(config) : null;
        EventGateApplication[] started = new EventGateApplication[1];
        overrides.forEach(main::addOverrideProperty);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeConfigure(BaseMainSupport support) {
                CamelContext context = support.getCamelContext();
                context.getPropertiesComponent().addPropertiesSource(new SettingsPropertiesSource(config));
                // The sink routes are known once every route is in; find them then.
                try {
                    context.addStartupListener((ctx, alreadyStarted) -> {
                        sinks.refresh(ctx);
                        sinkBeans.start();
                        if (http != null) {
                            // The routes run now: open the door (stopped with the context).
                            ctx.addService(http, true, true);
                            HttpPriming.startIfWanted(started[0]);
                        }
                    });
                } catch (Exception e) {
                    throw new IllegalStateException("cannot register the sink discovery", e);
                }
            }

            @Override
            public void afterStop(BaseMainSupport support) {
                sinkBeans.close();
                if (reader instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        LOG.warn("Closing the configuration reader failed: {}", e.getMessage());
                    }
                }
            }
        });
        started[0] = new EventGateApplication(main, config, sinks);
        return started[0];
    }

    /** {@code file:<dir>/*.yaml} for each routes folder. */
    static String routesPattern(String override) {
        String dirs = override != null ? override
                : System.getProperty(ROUTES_DIR_PROPERTY, System.getenv().getOrDefault(ROUTES_DIR_ENV, "routes"));
        return Arrays.stream(dirs.split(","))
                .map(String::trim).filter(d -> !d.isEmpty())
                .map(d -> "file:" + (d.endsWith("/") ? d : d + "/") + "*.yaml")
                .collect(Collectors.joining(","));
    }

    /** Starts Camel and returns; for tests, the dev run and the Lambda handler. */
    public EventGateApplication start() throws Exception {
        main.start();
        return this;
    }

    /** Starts Camel and blocks until the JVM is asked to stop. */
    public void run(String[] args) throws Exception {
        main.run(args);
    }

    public void stop() throws Exception {
        main.stop();
    }

    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    public ConfigHolder config() {
        return config;
    }

    public SinkDirectory sinks() {
        return sinks;
    }
}
