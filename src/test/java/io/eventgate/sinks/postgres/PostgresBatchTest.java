package io.eventgate.sinks.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PostgresBatch} against a real Postgres: a batch commits in one transaction (its rows share
 * one {@code xmin}); a batch that the database refuses is written again one by one, so that only the
 * refused event fails.
 */
class PostgresBatchTest {

    private static EmbeddedPostgres postgres;
    private static CamelContext camel;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind(PostgresDataSource.BEAN_NAME, postgres.getPostgresDatabase());
        camel.start();
    }

    @AfterAll
    static void stop() throws Exception {
        camel.stop();
        postgres.close();
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        execute("DROP TABLE IF EXISTS batch_probe", "CREATE TABLE batch_probe (n int PRIMARY KEY CHECK (n >= 0))");
    }

    @Test
    void aBatchCommitsInOneTransaction() throws Exception {
        List<String> errors = PostgresBatch.write(batch(1, 2, 3, 4, 5), "postgres-batch/probe.sql");

        assertEquals(Arrays.asList(null, null, null, null, null), errors);
        assertEquals(List.of(1, 2, 3, 4, 5), column("SELECT n FROM batch_probe ORDER BY n"));
        assertEquals(1, column("SELECT count(DISTINCT xmin::text)::int FROM batch_probe").get(0), "one transaction");
    }

    @Test
    void aRefusedEventFailsAloneAndTheOthersAreWritten() throws Exception {
        List<String> errors = PostgresBatch.write(batch(1, -2, 3), "postgres-batch/probe.sql");

        assertNull(errors.get(0));
        assertTrue(errors.get(1) != null && !errors.get(1).isBlank(), String.valueOf(errors));
        assertNull(errors.get(2));
        assertEquals(List.of(1, 3), column("SELECT n FROM batch_probe ORDER BY n"));
    }

    private static Exchange batch(int... values) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(Arrays.stream(values).mapToObj(n -> "{\"n\": " + n + "}").collect(Collectors.toList()));
        return exchange;
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static List<Integer> column(String query) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            List<Integer> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getInt(1));
            }
            return values;
        }
    }
}
