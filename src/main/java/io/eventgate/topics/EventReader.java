package io.eventgate.topics;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.eventgate.config.ConfigHolder;
import io.eventgate.config.EventGateConfig;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import org.apache.camel.Exchange;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * The topic and the event of a publish: resolves the topic (404 {@code topic}), enforces the body
 * size limit (413), reads the body as a JSON object (400 {@code validation}), and finds the
 * message key named in {@code topic_keys.json}.
 *
 * <p>The body must be strict UTF-8 (no overlong forms, encoded surrogates, truncated sequences, nor a
 * byte-order mark), its text Unicode (no unpaired surrogate from an escape such as {@code \u005Cud800}),
 * and its objects must not repeat a key. So the event that the checks see is the one the sinks get:
 * the body goes on as the text that was decoded, which encodes back to the very bytes that came.
 */
public final class EventReader {

    /**
     * The parsed event, a Jackson {@code ObjectNode}; numbers with a fraction or an exponent are exact
     * {@code BigDecimal}s, as sent ({@code 1e400} is not infinity, {@code 1.0} keeps its scale). The
     * body stays the client's exact text.
     */
    public static final String EVENT = "eventGateEvent";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** One value within a larger document (an event of a batch): what follows it is not this value's concern. */
    private static final com.fasterxml.jackson.databind.ObjectReader VALUE = JSON.readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String DUPLICATE_KEY = "Duplicate field '";

    /** Keys and strings must be Unicode text. */
    private static final EventTree.Check UNICODE = new EventTree.Check() {
        @Override
        public String scalar(JsonNode value) {
            return value.isTextual() ? unpaired(value.textValue(), "string") : null;
        }

        @Override
        public String key(String key) {
            return unpaired(key, "key");
        }

        private String unpaired(String text, String what) {
            int at = EventTree.unpairedSurrogate(text);
            return at < 0 ? null : String.format(Locale.ROOT,
                    "the %s holds an unpaired UTF-16 surrogate (\\u%04x at character %d); send Unicode text",
                    what, (int) text.charAt(at), at);
        }
    };

    private final ConfigHolder config;

    public EventReader(ConfigHolder config) {
        this.config = config;
    }

    /** Lower-cases the topic of the path and checks that it exists. */
    public void resolveTopic(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, "", String.class).toLowerCase(Locale.ROOT);
        exchange.setProperty(Exchanges.TOPIC, topic);
        if (config.current(exchange).topics().find(topic).isEmpty()) {
            throw new GatewayException(404, "topic", "Topic '" + topic + "' not found");
        }
    }

    public void readEvent(Exchange exchange) {
        EventGateConfig current = config.current(exchange);
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new GatewayException(400, "validation",
                    "Request body is empty; send the event as a JSON object");
        }
        if (body.length > current.maxBodyBytes()) {
            throw new GatewayException(413, "validation",
                    "Request body is " + body.length + " bytes; the limit is " + current.maxBodyBytes());
        }
        String text = strictUtf8(body);
        JsonNode event = readObject(text, "Request body must be a JSON object");
        exchange.getMessage().setBody(text);
        exchange.setProperty(EVENT, event);
    }

    /**
     * One event's text as a JSON object: 400 {@code validation} when it is not JSON, not an object
     * ({@code notObject} is then the message), or not Unicode text. Also used per event of a batch.
     */
    public static JsonNode readObject(String text, String notObject) {
        return checkObject(parse(text), notObject);
    }

    /** {@link #readObject} for a value already parsed by {@link #readValue}. */
    public static JsonNode checkObject(JsonNode event, String notObject) {
        if (event == null || !event.isObject()) {
            throw new GatewayException(400, "validation", notObject);
        }
        List<EventTree.Problem> problems = EventTree.problems(event, UNICODE);
        if (!problems.isEmpty()) {
            throw refusal(problems);
        }
        return event;
    }

    /** A parser of {@code text} that reads as a single event's body is read (a batch's array, in one pass). */
    public static JsonParser parser(String text) throws java.io.IOException {
        return JSON.createParser(text);
    }

    /** The value at the parser's current token, read as a single event's body is, leaving the parser at its end. */
    public static JsonNode readValue(JsonParser parser) throws java.io.IOException {
        return VALUE.readValue(parser);
    }

    /** The body's JSON; 400 {@code validation} with a plain reason when it is not JSON. */
    static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
    }

    /** 400 {@code validation} with one error per problem. */
    public static GatewayException refusal(List<EventTree.Problem> problems) {
        return new GatewayException(400, problems.stream()
                .map(p -> new Responses.Error("validation", p.message()))
                .toList());
    }

    /**
     * The body as text, decoded strictly: invalid UTF-8 (an overlong form such as {@code C0 AD}, an
     * encoded surrogate, a truncated sequence, a byte that UTF-8 never uses) and a leading byte-order
     * mark are 400 {@code validation}, never replaced nor skipped.
     */
    public static String strictUtf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            throw new GatewayException(400, "validation",
                    "Request body starts with a byte-order mark (EF BB BF); send UTF-8 without one");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            String bytes = HexFormat.ofDelimiter(" ").withUpperCase().formatHex(body, at, at + result.length());
            throw new GatewayException(400, "validation",
                    "Request body is not valid UTF-8: byte" + (result.length() > 1 ? "s " : " ") + bytes + " at offset " + at);
        }
        return out.flip().toString();
    }

    /** 400 {@code validation} for a body that is not JSON, with Jackson's reason in a plain sentence. */
    public static GatewayException notJson(JsonProcessingException e) {
        // Jackson's own limits (nesting depth, number length, ...) give no location.
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        if (e.getOriginalMessage().startsWith(DUPLICATE_KEY) && e.getProcessor() instanceof JsonParser parser) {
            return new GatewayException(400, "validation", parser.getParsingContext().pathAsPointer()
                    + ": the key appears more than once in its object" + where + "; send each key once");
        }
        String at2 = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new GatewayException(400, "validation", "Request body is not valid JSON" + at2 + ": "
                + plain(e.getOriginalMessage()));
    }

    /**
     * Jackson's reason in a plain sentence: its own messages name its classes and settings
     * ({@code StreamReadConstraints.getMaxNestingDepth()}, token types), which mean nothing to a client.
     */
    static String plain(String jackson) {
        String m = jackson == null ? "" : jackson;
        if (m.contains("nesting depth")) {
            return "it is nested deeper than " + StreamReadConstraints.DEFAULT_MAX_DEPTH + " levels";
        }
        if (m.startsWith("Number value length") || m.startsWith("Number length")) {
            return "a number has more than " + StreamReadConstraints.DEFAULT_MAX_NUM_LEN + " digits";
        }
        if (m.startsWith("String value length") || m.startsWith("String length")) {
            return "a string is longer than " + StreamReadConstraints.DEFAULT_MAX_STRING_LEN + " characters";
        }
        if (m.startsWith("Name length")) {
            return "a key is too long";
        }
        if (m.startsWith("Unexpected end-of-input")) {
            return "it ends before the JSON value is complete";
        }
        if (m.startsWith("Trailing token")) {
            return "there is more after the JSON value";
        }
        if (m.startsWith("Unrecognized token")) {
            int quote = m.indexOf('\'');
            int end = quote < 0 ? -1 : m.indexOf('\'', quote + 1);
            return end > quote && end - quote <= 41 ? "unrecognized word " + m.substring(quote, end + 1) : "unrecognized word";
        }
        if (m.startsWith("Unexpected character")) {
            return "unexpected character" + quotedCharacter(m);
        }
        if (m.startsWith("Illegal unquoted character") || m.contains("control character")) {
            return "a control character must be escaped inside a string";
        }
        if (m.contains("Leading zeroes") || m.contains("numeric value") || m.contains("Non-standard token")) {
            return "a number is not valid JSON";
        }
        if (m.startsWith("Unrecognized character escape") || m.contains("escape")) {
            return "a string has an invalid escape";
        }
        return "it is malformed";
    }

    /** The character of Jackson's "Unexpected character ('x' (code 120))", as {@code  'x'}. */
    private static String quotedCharacter(String m) {
        int open = m.indexOf("('");
        int close = open < 0 ? -1 : m.indexOf("' (code", open);
        return open >= 0 && close > open && close - open <= 4 ? " " + m.substring(open + 1, close + 1) : "";
    }

    /** Sets {@link Exchanges#KEY} from the field that topic_keys.json names for the topic, if any. */
    public void findKey(Exchange exchange) {
        key(config.current(exchange), exchange.getProperty(Exchanges.TOPIC, String.class), exchange.getProperty(EVENT, JsonNode.class))
                .ifPresent(key -> exchange.setProperty(Exchanges.KEY, key));
    }

    /** The event's message key under {@code in}: the field that topic_keys.json names for the topic, if any. */
    public static java.util.Optional<String> key(EventGateConfig in, String topic, JsonNode event) {
        return in.keyField(topic)
                .map(event::get)
                .filter(value -> !value.isNull() && !value.isMissingNode())
                .map(value -> value.isValueNode() ? value.asText() : value.toString());
    }
}
