package io.eventgate.sinks.postgres;

import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The Postgres sink's batch route ({@code routes/postgres.yaml}, {@code direct:batch-sink-postgres}):
 * a batch's events written with the topic's statement (the same {@code postgres/*.sql} as one event,
 * the event JSON its only parameter) as one JDBC batch in one transaction, so one round of commits
 * for all of them and either all rows or none.
 *
 * <p>When the transaction fails for a reason that is not the connection's (a value the database
 * refuses despite the gateway's column checks), it is rolled back and the events are written again
 * one by one, each committing on its own, so that one bad event fails alone. That is safe because the
 * statements are idempotent on {@code event_id} ({@code ON CONFLICT DO NOTHING}). A connection that
 * fails fails the whole batch.
 *
 * <p>Why not camel-sql's {@code batch=true}: it runs the batch on an auto-commit connection, where
 * PgJDBC may commit it in several pieces, and its failure does not say which event failed.
 */
public final class PostgresBatch {

    /** The SQL parameter of the statements in {@code postgres/*.sql}, bound per event. */
    private static final String BODY_PARAMETER = ":#${body}";
    private static final Map<String, String> STATEMENTS = new ConcurrentHashMap<>();

    private PostgresBatch() {
    }

    /**
     * Writes the events of the exchange's body (a list of JSON texts) with the statement in the
     * classpath resource {@code statement}.
     *
     * @return per event, null (written, or already there) or the reason it was not
     */
    public static List<String> write(Exchange exchange, String statement) throws SQLException {
        List<?> events = exchange.getMessage().getBody(List.class);
        DataSource dataSource = exchange.getContext().getRegistry()
                .lookupByNameAndType(PostgresDataSource.BEAN_NAME, DataSource.class);
        String sql = STATEMENTS.computeIfAbsent(statement, PostgresBatch::load);
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            try {
                connection.setAutoCommit(false);
                try (PreparedStatement insert = connection.prepareStatement(sql)) {
                    for (Object event : events) {
                        insert.setString(1, String.valueOf(event));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                    return Collections.nCopies(events.size(), null);
                } catch (SQLException e) {
                    connection.rollback();
                    if (connectionLost(e)) {
                        throw e;
                    }
                }
                connection.setAutoCommit(true);
                return oneByOne(connection, sql, events);
            } finally {
                if (!connection.isClosed()) {
                    connection.setAutoCommit(autoCommit);
                }
            }
        }
    }

    /** Each event on its own, committing each: the reason for each that fails. */
    private static List<String> oneByOne(Connection connection, String sql, List<?> events) throws SQLException {
        List<String> errors = new ArrayList<>(events.size());
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (Object event : events) {
                try {
                    insert.setString(1, String.valueOf(event));
                    insert.execute();
                    errors.add(null);
                } catch (SQLException e) {
                    if (connectionLost(e)) {
                        throw e;
                    }
                    errors.add(PostgresErrors.describe(e));
                }
            }
        }
        return errors;
    }

    private static boolean connectionLost(SQLException e) {
        SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String state = cause.getSQLState() == null ? "" : cause.getSQLState();
        return state.startsWith("08") || state.equals("57014") || state.startsWith("57P");
    }

    /** The statement of a {@code postgres/*.sql} resource, with its one parameter as a JDBC {@code ?}. */
    private static String load(String resource) {
        try (InputStream in = PostgresBatch.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no statement " + resource + " on the class path");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!sql.contains(BODY_PARAMETER)) {
                throw new IllegalArgumentException(resource + " has no " + BODY_PARAMETER + " parameter");
            }
            // SQL comments go first: a '?' in a comment would be taken as a parameter
            StringBuilder statement = new StringBuilder();
            for (String line : sql.split("\n")) {
                if (!line.strip().startsWith("--")) {
                    statement.append(line).append('\n');
                }
            }
            return statement.toString().replace(BODY_PARAMETER, "?");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
