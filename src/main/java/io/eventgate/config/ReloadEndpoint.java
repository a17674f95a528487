package io.eventgate.config;

import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import io.eventgate.sinks.SinkDirectory;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidatorEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * {@code POST /terminate}: reloads access, schemas and keys from their sources. Only subjects on
 * the {@code admin_users} list may call it (403 {@code auth} for the rest). A failed reload keeps
 * the old configuration and answers 500 {@code internal} with the reason. Concurrent calls share
 * one reload ({@link ConfigHolder#reload}), so they cost one fetch of the keys.
 *
 * <p>When a route {@code direct:recycle-instances} exists (the Lambda front door adds one), it is
 * called after a successful reload so that other warm instances reload too.
 */
public final class ReloadEndpoint {

    public static final String RECYCLE_ENDPOINT = "direct:recycle-instances";
    private static final Logger LOG = LoggerFactory.getLogger(ReloadEndpoint.class);

    private final ConfigHolder config;
    private final SinkDirectory sinks;

    public ReloadEndpoint(ConfigHolder config, SinkDirectory sinks) {
        this.config = config;
        this.sinks = sinks;
    }

    public void checkAdmin(Exchange exchange) {
        String subject = exchange.getProperty(Exchanges.SUBJECT, String.class);
        if (subject == null || !config.current(exchange).admins().contains(subject.toLowerCase(Locale.ROOT))) {
            throw new GatewayException(403, "auth", "User not authorized to reload the configuration");
        }
    }

    /** What follows a reload, however it came (this endpoint or {@link ConfigPoll}): once per reload. */
    public static void afterReload(CamelContext context, ConfigHolder config, SinkDirectory sinks) {
        // A validator endpoint keeps the schema of the generation it names (TopicSchemaLoader): new
        // requests use new endpoints, so drop the older ones. A request in flight that still needs
        // one makes it again, with its own configuration's schema.
        String current = "@" + config.generation();
        List<JsonValidatorEndpoint> older = context.getEndpoints().stream()
                .filter(JsonValidatorEndpoint.class::isInstance).map(JsonValidatorEndpoint.class::cast)
                .filter(endpoint -> !endpoint.getResourceUri().endsWith(current))
                .toList();
        for (JsonValidatorEndpoint endpoint : older) {
            try {
                context.removeEndpoint(endpoint);
            } catch (Exception e) {
                LOG.debug("Could not drop the validator endpoint {}: {}", endpoint.getEndpointUri(), e.getMessage());
            }
        }
        sinks.refresh(context);
    }

    public void reload(Exchange exchange) {
        CamelContext context = exchange.getContext();
        try {
            // Calls that arrive while a reload is in flight share it, and this step runs once for it.
            config.reload(fresh -> afterReload(context, config, sinks));
        } catch (ConfigException e) {
            LOG.error("Configuration reload failed; the previous configuration stays in force: {}", e.getMessage());
            throw new GatewayException(500, "internal", "Reload failed, previous configuration kept: " + e.getMessage());
        }
        LOG.info("Configuration reloaded by {}", exchange.getProperty(Exchanges.SUBJECT));
        Responses.success(exchange, 200, "Configuration reloaded");
    }
}
