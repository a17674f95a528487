package io.eventgate.topics;

import com.networknt.schema.JsonSchema;
import io.eventgate.config.ConfigHolder;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jsonvalidator.JsonUriSchemaLoader;

/**
 * Hands the {@code json-validator} component the schema that {@link TopicCatalog} compiled for a
 * topic, so the gateway uses {@code json-validator:<topic>?uriSchemaLoader=#topicSchemaLoader}
 * without compiling anything per request.
 */
public final class TopicSchemaLoader implements JsonUriSchemaLoader {

    public static final String BEAN_NAME = "topicSchemaLoader";

    private final ConfigHolder config;

    public TopicSchemaLoader(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public JsonSchema createSchema(CamelContext camelContext, String topic) {
        return config.current().topics().find(topic)
                .map(TopicCatalog.Topic::schema)
                .orElseThrow(() -> new IllegalStateException("no schema for topic " + topic));
    }
}
