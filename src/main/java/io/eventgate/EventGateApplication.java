package io.eventgate;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigReader;
import io.eventgate.sinks.SinkDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Starts EventGate on Camel Main for {@code java -jar}, the Lambda handler (without the HTTP front
 * door), the dev run and the tests: a {@link Main} with {@link EventGateConfiguration}, which binds
 * the beans and the gateway route, and the sink routes of the routes folder(s) as its include pattern.
 */
public final class EventGateApplication {

    /** Environment variable naming the sink routes folder(s), comma-separated; default {@code routes}. */
    public static final String ROUTES_DIR_ENV = "EVENTGATE_ROUTES_DIR";
    /** System property for the same (wins over the environment). */
    public static final String ROUTES_DIR_PROPERTY = "eventgate.routes-dir";

    /** How the application is reached. */
    public enum FrontDoor { HTTP, NONE }

    private final Main main;
    private final CamelContext context;
    private final ConfigHolder config;
    private final SinkDirectory sinks;
    /** What {@link #create} made; released when {@link #start()} fails. */
    private EventGateConfiguration configuration;

    private EventGateApplication(Main main, CamelContext context, ConfigHolder config, SinkDirectory sinks) {
        this.main = main;
        this.context = context;
        this.config = config;
        this.sinks = sinks;
    }

    /**
     * Loads the configuration (a {@code ConfigException} here stops start-up with its one-line
     * reason) and prepares Camel Main with {@link EventGateConfiguration}; nothing is started yet.
     *
     * @param reader    reads locations that are not local paths (such as {@code s3://}); closed
     *                  when the application stops if it is {@link AutoCloseable}
     * @param overrides settings ({@code eventgate.<key>}) and Camel properties that win over
     *                  everything else, as JVM system properties would
     */
    public static EventGateApplication create(FrontDoor frontDoor, ConfigReader reader, Map<String, String> overrides) {
        EventGateConfiguration configuration = new EventGateConfiguration(frontDoor, reader, overrides);
        Main main = new Main();
        main.configure().addConfiguration(configuration);
        main.configure().withRoutesIncludePattern(routesPattern(overrides.get(ROUTES_DIR_PROPERTY)));
        overrides.forEach(main::addOverrideProperty);
        EventGateApplication app = new EventGateApplication(main, null, configuration.config(), configuration.sinks());
        app.configuration = configuration;
        return app;
    }

    /** A view of an EventGate that a camel-main launcher started (Camel JBang), for its warm-up. */
    public static EventGateApplication running(CamelContext context, ConfigHolder config, SinkDirectory sinks) {
        return new EventGateApplication(null, context, config, sinks);
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
        try {
            main.start();
        } catch (Exception | Error failure) {
            // its clients and threads, which a failed start does not stop (the Lambda handler starts again in this JVM)
            if (configuration != null) {
                configuration.release();
            }
            throw failure;
        }
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
        return main != null ? main.getCamelContext() : context;
    }

    public ConfigHolder config() {
        return config;
    }

    public SinkDirectory sinks() {
        return sinks;
    }
}
