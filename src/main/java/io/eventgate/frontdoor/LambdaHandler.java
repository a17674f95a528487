package io.eventgate.frontdoor;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.eventgate.EventGateApplication;
import io.eventgate.StartFailure;
import io.eventgate.Logging;
import io.eventgate.config.ConfigException;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayRoutes;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.crac.Core;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * The AWS Lambda front door ({@code io.eventgate.frontdoor.LambdaHandler::handleRequest}), for API
 * Gateway REST API (payload 1.0) and HTTP API (payload 2.0) proxy events.
 *
 * <p>Lambda creates one handler per instance, so the constructor boots EventGate once: the
 * configuration ({@code CONF_DIR}, default {@code conf/} in the task root), Camel, the sink routes
 * ({@code routes/}) and {@link LambdaRecycleRoutes}. Each event then goes to the shared
 * {@code direct:gateway} route, exactly like an HTTP request. If the start fails (a configuration
 * error), the reason is logged in one line, every request answers 500 {@code internal}, and the
 * start is tried again at a request once {@link #INIT_RETRY_INTERVAL} has passed.
 *
 * <p>Once started, the handler registers {@link LambdaPriming} as a CRaC resource, so that with
 * SnapStart the snapshot is taken after a priming run; {@code EVENTGATE_PRIME=true} primes at init.
 */
public final class LambdaHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    /** Set by Lambda: the function that {@code /terminate} recycles. */
    public static final String FUNCTION_NAME_ENV = "AWS_LAMBDA_FUNCTION_NAME";
    /** How long a failed start is remembered before a request tries again. */
    public static final Duration INIT_RETRY_INTERVAL = Duration.ofSeconds(30);

    static {
        Logging.configure(); // before the first logger: LOG_LEVEL
    }

    private static final Logger LOG = LoggerFactory.getLogger(LambdaHandler.class);

    private final ConfigReader reader;
    private final Map<String, String> overrides;
    private final String functionName;
    private final long retryNanos;

    private EventGateApplication app;
    private ProducerTemplate gateway;
    private long lastAttempt;
    /** Held here: a CRaC context may keep only a weak reference to its resources. */
    private LambdaPriming priming;

    /** Used by Lambda: settings from {@code config.json} and the environment. */
    public LambdaHandler() {
        this(configReader(), Map.of(), System.getenv(FUNCTION_NAME_ENV), INIT_RETRY_INTERVAL);
    }

    /**
     * @param overrides    settings ({@code eventgate.<key>}) and Camel properties that win over the rest
     * @param functionName the function to recycle on {@code /terminate}
     */
    LambdaHandler(ConfigReader reader, Map<String, String> overrides, String functionName, Duration initRetry) {
        this.reader = reader;
        this.overrides = Map.copyOf(overrides);
        this.functionName = functionName;
        this.retryNanos = initRetry.toNanos();
        start();
    }

    /** Where configuration that is not a local path is read from. */
    private static ConfigReader configReader() {
        return new S3ConfigReader();
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        ProducerTemplate template = ready();
        if (template == null) {
            return ProxyEvent.error(500, "internal",
                    "EventGate could not start: its configuration is not usable (see the function log)");
        }
        try {
            ProxyEvent request = ProxyEvent.parse(event == null ? Map.of() : event);
            Exchange exchange = template.send(GatewayRoutes.GATEWAY, e -> {
                e.setProperty(Exchanges.METHOD, request.method());
                e.setProperty(Exchanges.PATH, request.path());
                e.setProperty(Exchanges.HEADERS, request.headers());
                e.getMessage().setBody(request.body());
            });
            if (exchange.getException() != null) {
                throw exchange.getException();
            }
            return ProxyEvent.response(exchange);
        } catch (Exception e) {
            // An error thrown out of the handler would reach the client as API Gateway's bare 502.
            LOG.error("Unexpected error on a Lambda request", e);
            return ProxyEvent.error(500, "internal", "Unexpected server error");
        }
    }

    /** The gateway, started now if an earlier start failed long enough ago; null while it cannot start. */
    private synchronized ProducerTemplate ready() {
        if (gateway == null && System.nanoTime() - lastAttempt >= retryNanos) {
            start();
        }
        return gateway;
    }

    private synchronized void start() {
        lastAttempt = System.nanoTime();
        EventGateApplication candidate = null;
        try {
            candidate = EventGateApplication.create(EventGateApplication.FrontDoor.NONE, reader, overrides);
            candidate.start();
            candidate.camelContext().addRoutes(new LambdaRecycleRoutes(candidate.config(), functionName));
            gateway = candidate.camelContext().createProducerTemplate();
            app = candidate;
        } catch (Exception e) {
            LOG.error("EventGate cannot start; every request answers 500 until it can: {}", StartFailure.reason(e));
            LOG.debug("Start failure", e);
            stopQuietly(candidate);
            return;
        }
        prepareForSnapshot();
    }

    /** Registers the priming for a SnapStart snapshot (once), and primes now when the settings ask. */
    private void prepareForSnapshot() {
        if (priming == null) {
            priming = new LambdaPriming(this, app, gateway);
            Core.getGlobalContext().register(priming);
        }
        if (LambdaPriming.atInit(app)) {
            priming.prime();
        }
    }

    private static void stopQuietly(EventGateApplication candidate) {
        if (candidate != null) {
            try {
                candidate.stop();
            } catch (Exception e) {
                LOG.debug("Stopping after a failed start", e);
            }
        }
    }

    /** The running application, for tests; null while it cannot start. */
    EventGateApplication app() {
        return app;
    }

    /** The priming registered for SnapStart, for tests; null while EventGate cannot start. */
    LambdaPriming priming() {
        return priming;
    }

    /** Stops Camel (tests; Lambda simply freezes and discards the instance). */
    void stop() throws Exception {
        if (app != null) {
            app.stop();
        }
    }
}
