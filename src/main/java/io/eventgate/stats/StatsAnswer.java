package io.eventgate.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventgate.gateway.Exchanges;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import io.eventgate.sinks.postgres.PostgresErrors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

/**
 * The answer to a stats request: the rows of {@code stats/runs.sql} as they are, each with the fields
 * that the upstream EventGate computes for its charts (the Qlik load script's), and the page's
 * pagination; or, when the query fails, 500 {@code database} with a plain reason (never the driver's
 * text, which names hosts and SQL).
 */
public final class StatsAnswer {

    private static final Logger LOG = LoggerFactory.getLogger(StatsAnswer.class);
    private static final DateTimeFormatter RUN_DATE = DateTimeFormatter.ofPattern("dd-MM-uuuu", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private StatsAnswer() {
    }

    /** 200 with {@code data} and {@code pagination}, from the query's rows (one more than the page when another follows). */
    public static void respond(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getMessage().getBody(List.class);
        int limit = exchange.getProperty(StatsRequest.LIMIT, Integer.class);
        boolean hasMore = rows.size() > limit;
        List<Map<String, Object>> page = hasMore ? rows.subList(0, limit) : rows;

        ObjectNode body = Responses.JSON.createObjectNode();
        body.put("success", true);
        body.put("statusCode", 200);
        ArrayNode data = body.putArray("data");
        for (Map<String, Object> row : page) {
            data.add(row(row));
        }
        ObjectNode pagination = body.putObject("pagination");
        if (hasMore) {
            pagination.set("cursor", Responses.JSON.valueToTree(page.get(page.size() - 1).get("internal_id")));
        } else {
            pagination.putNull("cursor");
        }
        pagination.put("has_more", hasMore);
        pagination.put("limit", limit);
        exchange.getMessage().removeHeaders("*");
        Responses.json(exchange, 200, body);
    }

    /** One row: its columns, then the computed fields. */
    static ObjectNode row(Map<String, Object> columns) {
        ObjectNode row = Responses.JSON.createObjectNode();
        columns.forEach((name, value) -> row.set(name, name.equals("additional_info") ? json(value) : Responses.JSON.valueToTree(value)));
        Long runStart = number(columns.get("run_timestamp_start"));
        Long start = number(columns.get("timestamp_start"));
        Long end = number(columns.get("timestamp_end"));
        row.put("run_date", runStart == null ? null : RUN_DATE.format(Instant.ofEpochMilli(runStart)));
        row.put("run_status", runStatus(columns.get("status"), columns.get("message")));
        row.put("formatted_tenant", String.valueOf(columns.get("tenant_id")).toLowerCase(Locale.ROOT));
        if (start == null || end == null) {
            row.putNull("elapsed_time");
        } else {
            row.put("elapsed_time", BigInteger.valueOf(end).subtract(BigInteger.valueOf(start)));
        }
        row.put("start_time", start == null ? null : TIME.format(Instant.ofEpochMilli(start)));
        row.put("end_time", end == null ? null : TIME.format(Instant.ofEpochMilli(end)));
        return row;
    }

    /**
     * A failed job whose message says "no data" received none; one that says "no records to send"
     * produced none; any other failed job failed; every other status counts as succeeded.
     */
    static String runStatus(Object status, Object message) {
        if (!String.valueOf(status).toLowerCase(Locale.ROOT).equals("failed")) {
            return "succeeded";
        }
        String text = String.valueOf(message).toLowerCase(Locale.ROOT);
        if (text.contains("no data")) {
            return "no data received";
        }
        return text.contains("no records to send") ? "no data produced" : "failed";
    }

    private static Long number(Object value) {
        return value instanceof Number n ? n.longValue() : null;
    }

    /** A jsonb column read as text, given back as the JSON it holds. */
    private static com.fasterxml.jackson.databind.JsonNode json(Object value) {
        if (value == null) {
            return Responses.JSON.nullNode();
        }
        try {
            return Responses.JSON.readTree(value.toString());
        } catch (JsonProcessingException e) {
            return Responses.JSON.getNodeFactory().textNode(value.toString());
        }
    }

    /**
     * For the route's {@code doCatch}: the query was not run or failed. 500 {@code database}, with
     * the reason in a plain sentence ({@link PostgresErrors}); the details go to the log.
     */
    public static void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (caught instanceof RejectedExecutionException) {
            throw new GatewayException(500, "database", "Stats query failed: too many stats queries at once; try again later.");
        }
        String reason = PostgresErrors.describe(caught);
        LOG.warn("Stats query for {} failed: {}", exchange.getProperty(Exchanges.TOPIC), reason);
        throw new GatewayException(500, "database", "Stats query failed: " + reason + ".");
    }
}
