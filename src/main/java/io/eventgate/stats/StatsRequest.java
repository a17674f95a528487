package io.eventgate.stats;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.eventgate.config.ConfigHolder;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import org.apache.camel.Exchange;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The question of a stats request: which topic (only {@link #SUPPORTED} has stats), and from its
 * JSON body the time window, the cursor and the page size. The body's fields are optional;
 * each one that is given must be a JSON integer: {@code true}, {@code 1.0}, {@code "5"} are refused
 * with 400 {@code validation} naming the field, as the upstream EventGate does.
 *
 * <p>The answer to a valid request is the query's parameters, as a map in the message body, which
 * camel-sql binds by name ({@code :#windowStart} ... in {@code stats/runs.sql}).
 */
public final class StatsRequest {

    /** The topics that have stats. */
    public static final Set<String> SUPPORTED = Set.of("public.cps.za.runs");
    /** The page size asked for (after the cap), an {@code Integer}. */
    public static final String LIMIT = "eventGateStatsLimit";

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    static final long DEFAULT_WINDOW_MS = Duration.ofDays(7).toMillis();

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final String DUPLICATE_KEY = "Duplicate field '";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final ConfigHolder config;
    private final LongSupplier clock;

    public StatsRequest(ConfigHolder config) {
        this(config, System::currentTimeMillis);
    }

    StatsRequest(ConfigHolder config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /** After the topic is known to exist: another topic than the supported ones is 400 {@code validation}. */
    public void checkTopic(Exchange exchange) {
        String topic = exchange.getProperty(Exchanges.TOPIC, String.class);
        if (!SUPPORTED.contains(topic)) {
            throw new GatewayException(400, "validation",
                    "Stats are only supported for topics '" + String.join(", ", SUPPORTED) + "'.");
        }
    }

    /** Reads the body into the query's parameters (the message body) and {@link #LIMIT}. */
    public void read(Exchange exchange) {
        JsonNode body = parse(exchange.getMessage().getBody(byte[].class), config.current(exchange).maxBodyBytes());
        long now = clock.getAsLong();
        Long start = integer(body, "timestamp_start", "Field 'timestamp_start' must be an integer (epoch ms).");
        Long end = integer(body, "timestamp_end", "Field 'timestamp_end' must be an integer (epoch ms).");
        Long cursor = integer(body, "cursor", "Field 'cursor' must be an integer (internal_id).");
        int limit = limit(body);

        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("windowStart", start != null ? start : now - DEFAULT_WINDOW_MS);
        parameters.put("windowEnd", end != null ? end : now);
        parameters.put("cursor", cursor != null ? cursor : Long.MAX_VALUE);
        parameters.put("fetch", limit + 1);
        exchange.setProperty(LIMIT, limit);
        exchange.getMessage().setBody(parameters);
    }

    /**
     * The body as a JSON object. No body at all asks for the defaults, as upstream; anything else
     * must be strict UTF-8 holding one JSON object whose keys appear once.
     */
    private JsonNode parse(byte[] body, long max) {
        if (body == null || body.length == 0) {
            return JSON.createObjectNode();
        }
        if (body.length > max) {
            throw new GatewayException(413, "validation", "Request body is " + body.length + " bytes; the limit is " + max);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new GatewayException(400, "validation", "Request body is not valid UTF-8.");
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
        if (node == null || !node.isObject()) {
            throw new GatewayException(400, "validation",
                    node == null || node.isMissingNode() ? "Request body must be valid JSON." : "Request body must be a JSON object.");
        }
        return node;
    }

    private static GatewayException notJson(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (reason.startsWith(DUPLICATE_KEY)) {
            int close = reason.indexOf('\'', DUPLICATE_KEY.length());
            String key = close < 0 ? "" : reason.substring(DUPLICATE_KEY.length(), close);
            if (key.length() <= 40) {
                return new GatewayException(400, "validation", "Field '" + key + "' appears more than once.");
            }
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new GatewayException(400, "validation", "Request body must be valid JSON" + where + ".");
    }

    /**
     * The field as a whole number, or null when absent or null. Any JSON integer is taken, one
     * beyond 64 bits as the nearest 64-bit value: for a bound of the window or the cursor that
     * selects the same rows (the columns are 64 bits), as the upstream's unbounded integers do.
     */
    private static Long integer(JsonNode body, String field, String refusal) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber()) {
            throw new GatewayException(400, "validation", refusal);
        }
        return value.canConvertToLong() ? value.longValue()
                : value.bigIntegerValue().max(LONG_MIN).min(LONG_MAX).longValue();
    }

    /** 1 to {@link #MAX_LIMIT}, default {@link #DEFAULT_LIMIT}; more than the maximum is capped, as upstream. */
    private static int limit(JsonNode body) {
        JsonNode value = body.get("limit");
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        if (!value.isIntegralNumber() || value.bigIntegerValue().signum() <= 0) {
            throw new GatewayException(400, "validation", "Field 'limit' must be a positive integer.");
        }
        return value.canConvertToInt() ? Math.min(value.intValue(), MAX_LIMIT) : MAX_LIMIT;
    }
}
