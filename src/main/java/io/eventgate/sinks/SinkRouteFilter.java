package io.eventgate.sinks;

import org.apache.camel.CamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lets a YAML sink declare what it needs in the file itself, and turns the sink off when the
 * configuration lacks it, instead of stopping start-up: every setting that a sink's file uses as a
 * placeholder without a default ({@code {{eventgate.sinks.webhook.url}}}) is required. A placeholder
 * with a default ({@code {{eventgate.x:10}}}) or an optional one ({@code {{?eventgate.x}}}) is not.
 * When a required one has no value (or an empty one), the file's routes ({@code direct:sink-<name>}
 * and its probe {@code direct:health-<name>}) are not added to Camel: the sink is "not configured",
 * shown so in {@code /health}, and one WARN line says what to set (an INFO line when the sink's
 * {@code sinks.<name>.requires} setting already says it is off, as for EventBridge without a bus).
 *
 * <p>It is Camel's model route filter, so it sees each route before Camel creates it, whatever
 * loads the routes (camel-main's include pattern, Camel JBang, a live reload). Other routes pass.
 */
public final class SinkRouteFilter implements Function<RouteDefinition, Boolean> {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRouteFilter.class);
    /** {@code {{key}}} with neither a default ({@code :}) nor the optional mark ({@code ?}); functions such as {@code env:} have a colon. */
    private static final Pattern REQUIRED = Pattern.compile("\\{\\{\\s*([^{}:?\\s][^{}:]*?)\\s*}}");
    private static final String SETTING = "eventgate.";
    /**
     * A sink's batch route ({@code io.eventgate.batch.BatchPublish#ROUTE_PREFIX}): left out with the sink,
     * else its own required placeholder would stop start-up.
     */
    private static final String BATCH_ROUTE_PREFIX = "batch-sink-";

    private final CamelContext context;
    private final SinkDirectory sinks;

    public SinkRouteFilter(CamelContext context, SinkDirectory sinks) {
        this.context = context;
        this.sinks = sinks;
    }

    @Override
    public Boolean apply(RouteDefinition route) {
        String uri = route.getInput() == null ? null : route.getInput().getEndpointUri();
        Optional<String> sink = uri == null ? Optional.empty() : SinkDirectory.sinkName(uri)
                .or(() -> suffixOf(uri, "health-")).or(() -> suffixOf(uri, BATCH_ROUTE_PREFIX));
        if (sink.isEmpty() || route.getResource() == null) {
            return true;
        }
        List<String> missing = missing(route.getResource());
        if (missing.isEmpty()) {
            return true;
        }
        if (sinks.leaveOut(sink.get(), missing)) {
            if (sinks.requiresUnmet(sink.get())) {
                // Off by its own sinks.<name>.requires, as a built-in sink is when its setting is left empty.
                LOG.info("Sink {} is not configured: {} not set", sink.get(), String.join(", ", missing));
            } else {
                LOG.warn("Sink {} is not configured, so it is off: set {} (used by {})", sink.get(),
                        String.join(", ", missing), route.getResource().getLocation());
            }
        }
        return false;
    }

    /** The sink's name of a {@code direct:<prefix><name>} route: a probe ({@code health-}) or a batch route. */
    private static Optional<String> suffixOf(String uri, String prefix) {
        String name = uri.startsWith("direct://") ? uri.substring("direct://".length())
                : uri.startsWith("direct:") ? uri.substring("direct:".length()) : "";
        int query = name.indexOf('?');
        name = query < 0 ? name : name.substring(0, query);
        return name.startsWith(prefix) && name.length() > prefix.length()
                ? Optional.of(name.substring(prefix.length())) : Optional.empty();
    }

    /** The required placeholders of the file that have no value, as settings ({@code sinks.webhook.url}). */
    private List<String> missing(Resource resource) {
        String text;
        try (InputStream in = resource.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
        Set<String> missing = new LinkedHashSet<>();
        for (String line : text.split("\n")) {
            if (line.stripLeading().startsWith("#")) {
                continue;
            }
            Matcher placeholder = REQUIRED.matcher(line);
            while (placeholder.find()) {
                String key = placeholder.group(1);
                if (context.getPropertiesComponent().resolveProperty(key).filter(v -> !v.isBlank()).isEmpty()) {
                    missing.add(key.startsWith(SETTING) ? key.substring(SETTING.length()) : key);
                }
            }
        }
        return List.copyOf(missing);
    }
}
