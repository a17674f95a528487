package io.eventgate.topics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import org.apache.camel.Exchange;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The topic and the event of a publish: resolves the topic (404 {@code topic}), enforces the body
 * size limit (413), reads the body as a JSON object (400 {@code validation}), and finds the
 * message key named in {@code topic_keys.json}.
 */
public final class EventReader {

    /** The parsed event, a Jackson {@code ObjectNode}. The body stays the client's exact text. */
    public static final String EVENT = "eventGateEvent";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final ConfigHolder config;

    public EventReader(ConfigHolder config) {
        this.config = config;
    }

    /** Lower-cases the topic of the path and checks that it exists. */
    public void resolveTopic(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, "", String.class).toLowerCase(Locale.ROOT);
        exchange.setProperty(Exchanges.TOPIC, topic);
        if (config.current().topics().find(topic).isEmpty()) {
            throw new GatewayException(404, "topic", "Topic '" + topic + "' not found");
        }
    }

    public void readEvent(Exchange exchange) {
        EventGateConfig current = config.current();
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new GatewayException(400, "validation",
                    "Request body is empty; send the event as a JSON object");
        }
        if (body.length > current.maxBodyBytes()) {
            throw new GatewayException(413, "validation",
                    "Request body is " + body.length + " bytes; the limit is " + current.maxBodyBytes());
        }
        JsonNode event;
        try {
            event = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's own limits (nesting depth, number length, ...) give no location.
            JsonLocation at = e.getLocation();
            throw new GatewayException(400, "validation", "Request body is not valid JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        } catch (java.io.IOException e) {
            throw new GatewayException(400, "validation", "Request body cannot be read");
        }
        if (event == null || !event.isObject()) {
            throw new GatewayException(400, "validation", "Request body must be a JSON object");
        }
        exchange.getMessage().setBody(new String(body, StandardCharsets.UTF_8));
        exchange.setProperty(EVENT, event);
    }

    /** Sets {@link Exchanges#KEY} from the field that topic_keys.json names for the topic, if any. */
    public void findKey(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        JsonNode event = exchange.getProperty(EVENT, JsonNode.class);
        config.current().keyField(topic)
                .map(event::get)
                .filter(value -> !value.isNull() && !value.isMissingNode())
                .map(value -> value.isValueNode() ? value.asText() : value.toString())
                .ifPresent(key -> exchange.setProperty(Exchanges.KEY, key));
    }
}
