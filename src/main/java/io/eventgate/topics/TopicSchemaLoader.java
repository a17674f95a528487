package io.eventgate.topics;

import com.networknt.schema.JsonSchema;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jsonvalidator.JsonUriSchemaLoader;

/**
 * Hands the {@code json-validator} component the schema that {@link TopicCatalog} compiled for a
 * topic, so the gateway uses {@code json-validator:<topic>@<generation>?uriSchemaLoader=#topicSchemaLoader}
 * without compiling anything per request.
 *
 * <p>The endpoint names the {@linkplain ConfigHolder#generation generation} of the configuration
 * that the request started with, so that a request in flight during a reload is checked against
 * its own configuration's schema, like every other step: each endpoint keeps the schema it was
 * given, and a reload brings new endpoints rather than changing the schema under the old ones. A
 * name without a generation is the configuration in force.
 */
public final class TopicSchemaLoader implements JsonUriSchemaLoader {

    public static final String BEAN_NAME = "topicSchemaLoader";
    /** The publish route's validator: the exchange's topic, with the generation pinned on the exchange. */
    public static final String ENDPOINT = "json-validator:${exchangeProperty." + Exchanges.TOPIC + "}@${exchangeProperty."
            + ConfigHolder.GENERATION + "}?uriSchemaLoader=#" + BEAN_NAME;

    private final ConfigHolder config;

    public TopicSchemaLoader(ConfigHolder config) {
        this.config = config;
    }

    /** The validator endpoint of a topic under a generation of the configuration, as the publish route names it. */
    public static String endpoint(String topic, long generation) {
        return "json-validator:" + topic + "@" + generation + "?uriSchemaLoader=#" + BEAN_NAME;
    }

    @Override
    public JsonSchema createSchema(CamelContext camelContext, String resource) {
        int at = resource.lastIndexOf('@');
        String topic = at < 0 ? resource : resource.substring(0, at);
        EventGateConfig source = at < 0 ? config.current() : config.generation(generation(resource.substring(at + 1)));
        return source.topics().find(topic)
                .map(TopicCatalog.Topic::schema)
                .orElseThrow(() -> new IllegalStateException("no schema for topic " + topic));
    }

    private static long generation(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1; // none such: the configuration in force
        }
    }
}
