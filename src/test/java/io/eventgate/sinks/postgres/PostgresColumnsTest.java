package io.eventgate.sinks.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.eventgate.topics.EventTree;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Postgres sink's declared limits: that the declaration says what the tables and the route say,
 * and where each limit lies (the end-to-end tests in PostgresSinkTest store the values just inside).
 */
class PostgresColumnsTest {

    /** As the event reader parses: exact numbers. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final PostgresColumns COLUMNS = PostgresColumns.load();

    /** table -> column -> its definition (type and constraints), from the migrations' CREATE TABLEs. */
    private static Map<String, Map<String, String>> tables() throws Exception {
        Map<String, Map<String, String>> tables = new HashMap<>();
        Pattern table = Pattern.compile("CREATE TABLE IF NOT EXISTS (\\w+) \\((.*?)\\n\\);", Pattern.DOTALL);
        for (Path file : Files.newDirectoryStream(Path.of("src/main/resources/db/migration"), "*.sql")) {
            Matcher m = table.matcher(Files.readString(file));
            while (m.find()) {
                Map<String, String> columns = new HashMap<>();
                for (String line : m.group(2).split("\\n")) {
                    String definition = line.trim().replaceAll(",$", "");
                    if (!definition.isEmpty() && !definition.startsWith("--")) {
                        String[] parts = definition.split("\\s+", 2);
                        columns.put(parts[0].replace("\"", ""), parts[1].toLowerCase(Locale.ROOT));
                    }
                }
                tables.put(m.group(1), columns);
            }
        }
        return tables;
    }

    @Test
    void eachDeclaredColumnHasTheTypeOfTheTable() throws Exception {
        Map<String, Map<String, String>> tables = tables();
        for (List<PostgresColumns.Column> columns : COLUMNS.topics().values()) {
            for (PostgresColumns.Column column : columns) {
                String[] name = column.column().split("\\.");
                String definition = tables.getOrDefault(name[0], Map.of()).get(name[1]);
                assertNotNull(definition, column + ": no such column in db/migration");
                assertTrue(definition.startsWith(column.declaredType()), column + " is declared, the table has " + definition);
                if (column.notNull()) {
                    assertTrue(definition.contains("not null") || definition.contains("primary key"), column + ": the column may be null");
                }
            }
        }
    }

    @Test
    void everyNotNullColumnWithoutDefaultThatAnEventFillsIsDeclaredNotNull() throws Exception {
        // public_cps_za_runs_jobs.event_id comes from the run row, not from a field of the job.
        Set<String> fromElsewhere = Set.of("public_cps_za_runs_jobs.event_id");
        Set<String> declaredNotNull = COLUMNS.topics().values().stream().flatMap(List::stream)
                .filter(PostgresColumns.Column::notNull).map(PostgresColumns.Column::column).collect(Collectors.toSet());
        // eventgate_delivery_acks is retry-safe delivery's record (io.eventgate.delivery), not a sink table.
        Set<String> notTheSinks = Set.of("eventgate_delivery_acks");
        for (Map.Entry<String, Map<String, String>> table : tables().entrySet()) {
            if (notTheSinks.contains(table.getKey())) {
                continue;
            }
            for (Map.Entry<String, String> column : table.getValue().entrySet()) {
                String name = table.getKey() + "." + column.getKey();
                String definition = column.getValue();
                boolean required = (definition.contains("not null") || definition.contains("primary key"))
                        && !definition.contains("default") && !definition.startsWith("serial");
                if (required && !fromElsewhere.contains(name)) {
                    assertTrue(declaredNotNull.contains(name), name + " is NOT NULL but not declared so");
                }
            }
        }
    }

    @Test
    void theDeclaredTopicsAreTheRoutesTopics() throws Exception {
        Matcher m = Pattern.compile("exchangeProperty.eventGateTopic} == '([^']+)'").matcher(Files.readString(Path.of("routes/postgres.yaml")));
        Set<String> routed = new TreeSet<>();
        while (m.find()) {
            routed.add(m.group(1));
        }
        assertEquals(routed, new TreeSet<>(COLUMNS.topics().keySet()));
    }

    @Test
    void bigintRoundsAsNumericDoesAndHolds64Bits() {
        assertFits("bigint", "9223372036854775807.4", "-9223372036854775808.49", "1e2", "\" 12 \"");
        assertRefused("bigint", "9223372036854775807.5", "-9223372036854775808.5", "99999999999999999999", "1e400",
                "\"12x\"", "\"NaN\"", "true", "{}");
    }

    @Test
    void integerReadsTheTextWithoutAFraction() {
        assertFits("integer", "2147483647", "-2147483648", "1e2", "1.5e1", "\"+12\"");
        assertRefused("integer", "2147483648", "-2147483649", "1.0", "1.50e1", "1.5", "\"1.0\"", "1e400");
    }

    @Test
    void timestampIsEpochMillisecondsAsTheStatementComputesIt() {
        assertFits("timestamptz", String.valueOf(PostgresColumns.MAX_EPOCH_MS), String.valueOf(PostgresColumns.MIN_EPOCH_MS),
                "0", "1732000000000.0004", "1e-310");
        assertRefused("timestamptz", String.valueOf(PostgresColumns.MAX_EPOCH_MS + 1), String.valueOf(PostgresColumns.MIN_EPOCH_MS - 1),
                "9224318016000000", "1e300", "1e400", "1e-400", "-9223372036854775808");
    }

    @Test
    void uuidIsWhatPostgresReads() {
        assertFits("uuid", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", "\"{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}\"",
                "\"A0EEBC999C0B4EF8BB6D6BB9BD380A11\"", "\"a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11\"");
        assertRefused("uuid", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-\"", "\" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
                "\"a0eebc999c0b4ef8bb6d6bb9bd380a11}\"", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\"", "12");
    }

    @Test
    void varcharCountsCharactersNotBytes() {
        assertFits("varchar", "\"" + "é".repeat(255) + "\"", "\"" + "😀".repeat(255) + "\"");
        assertRefused("varchar", "\"" + "x".repeat(256) + "\"");
    }

    @Test
    void wholeEventIsJsonbSoNulAndHugeNumbersAreRefusedAnywhere() throws Exception {
        String id = "\"event_id\": \"e\", \"tenant_id\": \"t\", \"source_app\": \"s\", \"environment\": \"dev\", \"timestamp\": 1";
        assertEquals(List.of(), COLUMNS.problems("public.cps.za.test", JSON.readTree(
                "{" + id + ", \"additional_info\": {\"a\": [9.999e131071, 1e-16383, 0e-16383, 0e200000]}}")));
        List<EventTree.Problem> problems = COLUMNS.problems("public.cps.za.test", JSON.readTree(
                "{" + id + ", \"additional_info\": {\"a\\u0000\": [\"x\\u0000\", 1e131072, 1e-16384, 0.0e-16383]}}"));
        assertEquals(List.of("/additional_info/a\0", "/additional_info/a\0/0", "/additional_info/a\0/1",
                "/additional_info/a\0/2", "/additional_info/a\0/3"), problems.stream().map(EventTree.Problem::pointer).toList());
        // A topic that the Postgres sink does not write has no limits here.
        assertEquals(List.of(), COLUMNS.problems("public.cps.za.other", JSON.readTree("{\"a\": \"x\\u0000\"}")));
    }

    @Test
    void notNullFieldsMustBePresentAndArrayElementsAreEachChecked() throws Exception {
        JsonNode run = JSON.readTree("""
                {"event_id": "e", "job_ref": null, "tenant_id": "t", "source_app": "s", "source_app_version": "1",
                 "timestamp_start": 1, "timestamp_end": 2,
                 "jobs": [{"catalog_id": "a", "status": "failed"}, {"status": "%s"}]}""".formatted("x".repeat(51)));

        assertEquals(List.of("/environment: required: the Postgres column public_cps_za_runs.environment is NOT NULL",
                        "/job_ref: required: the Postgres column public_cps_za_runs.job_ref is NOT NULL",
                        "/jobs/1/catalog_id: required: the Postgres column public_cps_za_runs_jobs.catalog_id is NOT NULL",
                        "/jobs/1/status: 51 characters, more than the Postgres column public_cps_za_runs_jobs.status (varchar(50)) holds"),
                COLUMNS.problems("public.cps.za.runs", run).stream().map(EventTree.Problem::message).toList());
    }

    private static void assertFits(String type, String... values) {
        for (String value : values) {
            assertNull(reason(type, value), type + " takes " + value);
        }
    }

    private static void assertRefused(String type, String... values) {
        for (String value : values) {
            assertNotNull(reason(type, value), type + " refuses " + value);
        }
    }

    private static String reason(String type, String value) {
        try {
            PostgresColumns.Column column = new PostgresColumns.Column("/x", "t.c", type, "varchar".equals(type) ? 255 : 0, false);
            return PostgresColumns.reason(column, JSON.readTree(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
