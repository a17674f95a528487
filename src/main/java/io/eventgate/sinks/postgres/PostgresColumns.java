package io.eventgate.sinks.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.eventgate.topics.EventTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * What the Postgres sink can store, from the declaration beside its statements,
 * {@code postgres/columns.properties}: per topic, the event fields that go into a column and that
 * column's type. {@link #problems} finds what a statement could not store, so the gateway refuses the
 * event (400) before the fan-out rather than the sink failing (500) after the other sinks took it.
 *
 * <p>The limits are Postgres's own, as the statements read the values: {@code varchar(n)} counts
 * characters, {@code bigint} rounds ({@code ::numeric::bigint}), {@code integer} reads the text
 * ({@code ::int}), epoch milliseconds become a {@code timestamptz} through a {@code float8} times an
 * interval; and since each statement reads the whole event as {@code jsonb}, no key or string may
 * hold NUL and every number must fit Postgres's {@code numeric}.
 */
public final class PostgresColumns {

    public static final String RESOURCE = "postgres/columns.properties";

    /** One declared field: where it is in the event, the column it goes to, and that column's type. */
    public record Column(String pointer, String column, String type, int length, boolean notNull) {

        /** The type as declared, e.g. {@code varchar(255)}. */
        public String declaredType() {
            return length > 0 ? type + "(" + length + ")" : type;
        }
    }

    static final long MIN_EPOCH_MS = -210_866_803_200_000L;
    static final long MAX_EPOCH_MS = 9_223_372_036_854_774L;
    private static final BigDecimal MIN_BIGINT = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal MAX_BIGINT = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigInteger MIN_INTEGER = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger MAX_INTEGER = BigInteger.valueOf(Integer.MAX_VALUE);
    /** Postgres numeric: at most 131072 digits before the decimal point, 16383 after it. */
    private static final int NUMERIC_MAX_EXPONENT = 131_071;
    private static final int NUMERIC_MAX_SCALE = 16_383;
    /** Postgres timestamps, in microseconds since 2000-01-01: 4714-11-24 BC to 294277-01-01 (excluded). */
    private static final long MIN_TIMESTAMP_US = -211_813_488_000_000_000L;
    private static final long END_TIMESTAMP_US = 9_223_371_331_200_000_000L;
    private static final long UNIX_EPOCH_US = -946_684_800_000_000L;
    private static final double TWO_TO_63 = 0x1p63;

    // RE2/J, as for field constraints: linear in the length of the text, whatever a client sends.
    private static final Pattern DECLARATION =
            Pattern.compile("(\\w+\\.\\w+)\\s+(varchar|text|jsonb|bigint|integer|uuid|timestamptz)(?:\\((\\d+)\\))?(\\s+not null)?");
    /** What Postgres's numeric and int inputs accept, around the digits: ASCII only. */
    private static final Pattern NUMERIC_TEXT = Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern INTEGER_TEXT = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{4}(?:-?[0-9a-fA-F]{4}){7}");

    /** Every key and string, and every number, of an event that a statement reads as jsonb. */
    private static final EventTree.Check JSONB = new EventTree.Check() {
        @Override
        public String scalar(JsonNode value) {
            if (value.isTextual() && value.textValue().indexOf('\0') >= 0) {
                return "the string holds NUL (\\u0000), which Postgres cannot store";
            }
            if (value.isNumber() && !fitsNumeric(value)) {
                return "the number is beyond what Postgres's numeric holds (below 10^131072, at most 16383 decimals)";
            }
            return null;
        }

        @Override
        public String key(String key) {
            return key.indexOf('\0') >= 0 ? "the key holds NUL (\\u0000), which Postgres cannot store" : null;
        }
    };

    private final Map<String, List<Column>> topics;

    private PostgresColumns(Map<String, List<Column>> topics) {
        this.topics = topics;
    }

    /** The declaration on the class path. */
    public static PostgresColumns load() {
        try (InputStream in = PostgresColumns.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Properties declaration = new Properties();
            declaration.load(in);
            return parse(declaration);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE + ": cannot read", e);
        }
    }

    static PostgresColumns parse(Properties declaration) {
        Map<String, List<Column>> topics = new HashMap<>();
        for (String key : declaration.stringPropertyNames()) {
            int slash = key.indexOf('/');
            Matcher m = DECLARATION.matcher(declaration.getProperty(key).trim());
            if (slash <= 0 || !m.matches()) {
                throw new IllegalStateException(RESOURCE + ": '" + key + " = " + declaration.getProperty(key)
                        + "' is not <topic>/<field> = <table>.<column> <type>[ not null]");
            }
            topics.computeIfAbsent(key.substring(0, slash), t -> new ArrayList<>()).add(new Column(key.substring(slash),
                    m.group(1), m.group(2), m.group(3) == null ? 0 : Integer.parseInt(m.group(3)), m.group(4) != null));
        }
        topics.values().forEach(columns -> columns.sort(Comparator.comparing(Column::pointer)));
        topics.replaceAll((topic, columns) -> List.copyOf(columns));
        return new PostgresColumns(Map.copyOf(topics));
    }

    /** The topics the Postgres sink writes, with their declared columns. */
    public Map<String, List<Column>> topics() {
        return topics;
    }

    /**
     * What the Postgres sink could not store of this event, at most {@link EventTree#MAX_PROBLEMS};
     * none for a topic that it does not write.
     */
    public List<EventTree.Problem> problems(String topic, JsonNode event) {
        List<Column> columns = topics.get(topic);
        if (columns == null) {
            return List.of();
        }
        List<EventTree.Problem> found = new ArrayList<>(EventTree.problems(event, JSONB));
        List<EventTree.Problem> columnProblems = new ArrayList<>();
        for (Column column : columns) {
            List<String> tokens = Arrays.asList(column.pointer().substring(1).split("/"));
            check(column, event, tokens, 0, new ArrayList<>(), columnProblems);
        }
        // One error per location: a value that jsonb cannot hold is not also reported for its column.
        Set<String> reported = new HashSet<>();
        found.forEach(problem -> reported.add(problem.pointer()));
        columnProblems.stream().filter(problem -> !reported.contains(problem.pointer())).forEach(found::add);
        return found.size() > EventTree.MAX_PROBLEMS ? List.copyOf(found.subList(0, EventTree.MAX_PROBLEMS)) : found;
    }

    /** Follows the column's pointer ({@code *}: each element of an array) and checks the value at its end. */
    private static void check(Column column, JsonNode node, List<String> tokens, int next, List<String> path,
                              List<EventTree.Problem> found) {
        if (next == tokens.size()) {
            String reason = node == null || node.isNull()
                    ? (column.notNull() ? "required: the Postgres column " + column.column() + " is NOT NULL" : null)
                    : reason(column, node);
            if (reason != null) {
                found.add(new EventTree.Problem(EventTree.pointer(path), reason));
            }
            return;
        }
        if (node == null || !node.isContainerNode()) {
            // An absent parent: the statement reads NULL, which only a NOT NULL column minds.
            if (column.notNull() && tokens.stream().noneMatch("*"::equals)) {
                found.add(new EventTree.Problem(column.pointer(), "required: the Postgres column " + column.column() + " is NOT NULL"));
            }
            return;
        }
        String token = tokens.get(next);
        if ("*".equals(token)) {
            for (int i = 0; node.isArray() && i < node.size(); i++) {
                path.add(Integer.toString(i));
                check(column, node.get(i), tokens, next + 1, path, found);
                path.remove(path.size() - 1);
            }
        } else {
            path.add(token);
            check(column, node.isObject() ? node.get(token) : null, tokens, next + 1, path, found);
            path.remove(path.size() - 1);
        }
    }

    /** Why the column cannot take this (non-null) value, or null when it can. */
    static String reason(Column column, JsonNode value) {
        String where = "the Postgres column " + column.column() + " (" + column.declaredType() + ")";
        return switch (column.type()) {
            case "varchar" -> {
                // ->> gives a string's text, a number's digits; other values' JSON text (nearly as jsonb writes it)
                String text = value.isTextual() ? value.textValue()
                        : value.isNumber() && !isInfinite(value) ? postgresDigits(value.decimalValue()) : value.toString();
                int length = text.codePointCount(0, text.length());
                yield length > column.length() ? length + " characters, more than " + where + " holds" : null;
            }
            case "bigint" -> {
                BigDecimal number = numeric(value);
                yield number == null ? "not a number, as " + where + " needs"
                        : inRange(number.setScale(0, RoundingMode.HALF_UP), MIN_BIGINT, MAX_BIGINT) ? null
                        : "out of the range of " + where + ": " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
            }
            case "integer" -> integerReason(value, where);
            case "uuid" -> value.isTextual() && isUuid(value.textValue()) ? null : "not a UUID, as " + where + " needs";
            case "timestamptz" -> {
                BigDecimal number = numeric(value);
                yield number == null ? "not a number of epoch milliseconds, as " + where + " needs"
                        : fitsTimestamp(number) ? null
                        : "out of the range of " + where + ": epoch milliseconds " + MIN_EPOCH_MS + " to " + MAX_EPOCH_MS;
            }
            default -> null; // text, jsonb: whatever the jsonb rules let through
        };
    }

    /** {@code ::int} reads the text of the value: digits with no fraction (jsonb writes 1e2 as 100, 1.0 as 1.0). */
    private static String integerReason(JsonNode value, String where) {
        BigInteger whole;
        if (value.isIntegralNumber()) {
            whole = value.bigIntegerValue();
        } else if (value.isNumber()) {
            BigDecimal number = value.decimalValue();
            if (number.scale() > 0) {
                return "not a whole number written without a fraction, as " + where + " needs";
            }
            whole = number.toBigIntegerExact();
        } else if (value.isTextual() && INTEGER_TEXT.matcher(stripPostgresSpace(value.textValue())).matches()) {
            whole = new BigInteger(stripPostgresSpace(value.textValue()));
        } else {
            return "not a whole number, as " + where + " needs";
        }
        return whole.compareTo(MIN_INTEGER) >= 0 && whole.compareTo(MAX_INTEGER) <= 0 ? null
                : "out of the range of " + where + ": " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
    }

    /** The value as Postgres's {@code ::numeric} reads the text of it, or null when it reads none. */
    private static BigDecimal numeric(JsonNode value) {
        if (value.isNumber()) {
            return isInfinite(value) ? null : value.decimalValue();
        }
        if (value.isTextual()) {
            String text = stripPostgresSpace(value.textValue());
            return NUMERIC_TEXT.matcher(text).matches() ? new BigDecimal(text) : null;
        }
        return null;
    }

    /**
     * Whether {@code TIMESTAMPTZ 'epoch' + ms * INTERVAL '1 millisecond'} has a value, step by step as
     * Postgres computes it: the number as a {@code float8} (finite, and not a non-zero that rounds to 0),
     * times 1000 microseconds, rounded, within an interval's 64 bits, then added to the epoch within
     * the timestamp range.
     */
    static boolean fitsTimestamp(BigDecimal ms) {
        double factor = Double.parseDouble(ms.toString());
        if (Double.isInfinite(factor) || (factor == 0 && ms.signum() != 0)) {
            return false;
        }
        double micros = Math.rint(1000.0 * factor);
        if (!(micros >= -TWO_TO_63 && micros < TWO_TO_63)) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Math.addExact(UNIX_EPOCH_US, (long) micros);
        } catch (ArithmeticException beforeAnyTimestamp) {
            return false;
        }
        return timestamp >= MIN_TIMESTAMP_US && timestamp < END_TIMESTAMP_US;
    }

    /** Whether Postgres's numeric holds this number: below 10^131072, at most 16383 decimals. */
    static boolean fitsNumeric(JsonNode number) {
        if (isInfinite(number)) {
            return false;
        }
        BigDecimal value = number.decimalValue();
        return value.scale() <= NUMERIC_MAX_SCALE
                && (value.signum() == 0 || value.precision() - value.scale() - 1 <= NUMERIC_MAX_EXPONENT);
    }

    /** Postgres's uuid input: 32 hex digits, a hyphen allowed after any group of 4, in braces or not. */
    static boolean isUuid(String text) {
        if (text.length() > 41) {
            return false;
        }
        String bare = text.length() > 2 && text.startsWith("{") && text.endsWith("}") ? text.substring(1, text.length() - 1) : text;
        return UUID_TEXT.matcher(bare).matches();
    }

    /** A double that is not finite (the event reader makes BigDecimals, but another parser might not). */
    private static boolean isInfinite(JsonNode number) {
        return (number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue());
    }

    /** A number's text as Postgres writes a numeric: plain digits, no exponent, no negative scale. */
    private static String postgresDigits(BigDecimal number) {
        return (number.scale() < 0 ? number.setScale(0) : number).toPlainString();
    }

    private static boolean inRange(BigDecimal value, BigDecimal min, BigDecimal max) {
        return value.compareTo(min) >= 0 && value.compareTo(max) <= 0;
    }

    /** Postgres's number inputs skip white space (space, tab, new line, return, vertical tab, form feed) around. */
    private static String stripPostgresSpace(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && " \t\n\r\u000B\f".indexOf(text.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && " \t\n\r\u000B\f".indexOf(text.charAt(end - 1)) >= 0) {
            end--;
        }
        return text.substring(start, end);
    }
}
