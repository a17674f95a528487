package io.eventgate.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.ValidationMessage;
import io.eventgate.auth.AccessCheck;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.SchemaErrors;
import io.eventgate.sinks.SinkLimits;
import io.eventgate.topics.EventReader;
import io.eventgate.topics.TopicCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of a batch publish and checks each event on its own. The request as a whole is
 * refused when its body is empty, over {@code max_body_bytes} (413), not strict UTF-8, not JSON, not
 * an array, an empty array, or longer than {@code max_batch_events} (all 400 {@code validation}).
 * Otherwise every element gets the single-event checks, in the same order: a JSON object of Unicode
 * text without repeated keys, the subject's field constraints (403 {@code permission}), the topic's
 * schema (400), and what the active sinks can store ({@link SinkLimits}: 400 or 413). A failed check
 * refuses that event only ({@link BatchEvent#refusal()}).
 *
 * <p>Each event goes on as its own text, cut out of the body by the parser's character offsets, so
 * that a sink gets exactly what the client sent for it, as with a single event. The array is first
 * tokenized without building a tree (syntax errors refuse the request), then each element is parsed
 * strictly on its own, so that a repeated key is that event's error, named by its pointer.
 */
public final class BatchReader implements Processor {

    /** The request's events ({@code List<BatchEvent>}, in array order). */
    public static final String EVENTS = "eventGateBatchEvents";
    public static final String MAX_BATCH_EVENTS = "max_batch_events";
    public static final long DEFAULT_MAX_BATCH_EVENTS = 500;

    /** Only tokenizes (the slower way): no names interned, no tree built. */
    private static final JsonFactory TOKENS = JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();
    private static final String NOT_OBJECT = "The event must be a JSON object";

    private final ConfigHolder config;
    private final AccessCheck access;
    private final SinkLimits limits;

    public BatchReader(ConfigHolder config, AccessCheck access, SinkLimits limits) {
        this.config = config;
        this.access = access;
        this.limits = limits;
    }

    @Override
    public void process(Exchange exchange) {
        EventGateConfig current = config.current(exchange);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new GatewayException(400, "validation", "Request body is empty; send the events as a JSON array");
        }
        if (body.length > current.maxBodyBytes()) {
            throw new GatewayException(413, "validation",
                    "Request body is " + body.length + " bytes; the limit is " + current.maxBodyBytes());
        }
        String text = EventReader.strictUtf8(body);
        long max = current.settings().getLong(MAX_BATCH_EVENTS, DEFAULT_MAX_BATCH_EVENTS);
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        String subject = exchange.getProperty(Exchanges.SUBJECT, String.class);
        TopicCatalog.Topic schema = current.topics().find(topic).orElseThrow();
        List<BatchEvent> events = new ArrayList<>();
        if (!readInOnePass(text, max, events)) {
            // Not JSON somewhere (or a repeated key): again element by element, for the precise refusal.
            events.clear();
            List<int[]> spans = elements(text, max);
            for (int i = 0; i < spans.size(); i++) {
                int[] span = spans.get(i);
                String eventText = text.substring(span[0], span[1]);
                events.add(span[2] == 0 ? BatchEvent.refused(i, eventText, new GatewayException(400, "validation", NOT_OBJECT))
                        : check(current, i, eventText, () -> EventReader.readObject(eventText, NOT_OBJECT), topic, subject, schema));
            }
        } else {
            for (int i = 0; i < events.size(); i++) {
                BatchEvent parsed = events.get(i);
                events.set(i, check(current, i, parsed.text(), () -> EventReader.checkObject(parsed.event(), NOT_OBJECT),
                        topic, subject, schema));
            }
        }
        exchange.getMessage().setBody(null);
        exchange.setProperty(EVENTS, events);
    }

    /**
     * The usual case, in one pass: the array read element by element as trees, each element's text cut
     * out by its offsets, into {@code events} (not yet checked). False when the body is not JSON or an
     * element repeats a key: then the slower way finds which.
     */
    private static boolean readInOnePass(String text, long max, List<BatchEvent> events) {
        try (JsonParser parser = EventReader.parser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                return false;
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null || events.size() == max) {
                    return false;
                }
                int start = (int) parser.currentTokenLocation().getCharOffset();
                JsonNode value = EventReader.readValue(parser);
                int end = token == JsonToken.START_OBJECT ? (int) parser.currentTokenLocation().getCharOffset() + 1 : start;
                events.add(new BatchEvent(events.size(), text.substring(start, end), value, null, null));
            }
            return parser.nextToken() == null && !events.isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** One event through the single-event checks, in their order; {@code read} gives the event or refuses it. */
    private BatchEvent check(EventGateConfig current, int index, String text, java.util.function.Supplier<JsonNode> read, String topic,
                             String subject, TopicCatalog.Topic topicSchema) {
        try {
            JsonNode event = read.get();
            access.checkFields(current, topic, subject, event);
            Set<ValidationMessage> violations = topicSchema.schema().validate(event);
            if (!violations.isEmpty()) {
                throw new GatewayException(400, SchemaErrors.errors(violations));
            }
            String key = EventReader.key(current, topic, event).orElse(null);
            limits.check(current, topic, event, text, key == null ? "" : key);
            return BatchEvent.accepted(index, text, event, key);
        } catch (GatewayException refusal) {
            return BatchEvent.refused(index, text, refusal);
        }
    }

    /**
     * The elements of the array {@code text}: {start, end, isObject} with character offsets. The whole
     * request is refused (400) when it is not JSON, not an array, empty, or has more than {@code max}.
     */
    static List<int[]> elements(String text, long max) {
        List<int[]> spans = new ArrayList<>();
        try (JsonParser parser = TOKENS.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new GatewayException(400, "validation", "Request body must be a JSON array of events");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == null) {
                    throw new GatewayException(400, "validation",
                            "Request body is not valid JSON: it ends before the JSON value is complete");
                }
                if (spans.size() == max) {
                    throw new GatewayException(400, "validation", "The batch has more than " + max
                            + " events (" + MAX_BATCH_EVENTS + "); send at most " + max + " per request");
                }
                int start = (int) parser.currentTokenLocation().getCharOffset();
                boolean object = token == JsonToken.START_OBJECT;
                parser.skipChildren();
                // an object ends at its closing brace; anything else is refused, its text not needed
                int end = object ? (int) parser.currentTokenLocation().getCharOffset() + 1 : start;
                spans.add(new int[] {start, end, object ? 1 : 0});
            }
            if (parser.nextToken() != null) {
                throw new GatewayException(400, "validation",
                        "Request body is not valid JSON: there is more after the JSON value");
            }
        } catch (JsonProcessingException e) {
            throw EventReader.notJson(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (spans.isEmpty()) {
            throw new GatewayException(400, "validation", "The batch is empty; send at least one event");
        }
        return spans;
    }
}
