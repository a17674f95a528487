package io.eventgate.sinks.postgres;

import io.eventgate.Causes;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * Turns a failure of the Postgres sink into the one-line message of its error in the answer and in
 * {@code /health}: a plain sentence chosen by the driver's SQLSTATE class, never the driver's own
 * text, which names hosts, ports, users and SQL (that goes to the log at DEBUG). A failure raised by
 * EventGate's own code (e.g. the credentials) keeps its message, which is written for a reader.
 */
public final class PostgresErrors {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresErrors.class);

    private PostgresErrors() {
    }

    /** For {@code routes/postgres.yaml}: the exception caught by its {@code doCatch}. */
    public static String describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return describe(caught != null ? caught : exchange.getException());
    }

    public static String describe(Throwable failure) {
        if (failure == null) {
            return "unknown error";
        }
        LOG.debug("Postgres sink failure", failure);
        SQLException sql = null;
        Throwable ours = null;
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof SQLException e) {
                sql = e;
            } else if (thrownByEventGate(t) && t.getMessage() != null) {
                ours = t;
            }
        }
        if (sql != null) {
            return describe(sql);
        }
        return ours != null ? firstLine(ours.getMessage()) : "the Postgres sink failed unexpectedly";
    }

    private static String describe(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (state.startsWith("08") || message.contains("Connection is not available")) {
            return "cannot connect to the database";
        }
        if (state.startsWith("28")) {
            return "the database refused the credentials";
        }
        if (state.equals("57014")) {
            return "the database did not answer in time";
        }
        if (state.startsWith("22")) {
            return "the database refused a value of the event (SQLSTATE " + state + ")";
        }
        if (state.startsWith("23")) {
            return "the event breaks a constraint of the table (SQLSTATE " + state + ")";
        }
        if (state.startsWith("42")) {
            return "the database refused the statement: the schema does not match (SQLSTATE " + state + ")";
        }
        if (state.startsWith("53") || state.startsWith("57")) {
            return "the database is unavailable (SQLSTATE " + state + ")";
        }
        return state.isEmpty() ? "the database refused the event" : "the database refused the event (SQLSTATE " + state + ")";
    }

    private static boolean thrownByEventGate(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        return trace.length > 0 && trace[0].getClassName().startsWith("io.eventgate.");
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
