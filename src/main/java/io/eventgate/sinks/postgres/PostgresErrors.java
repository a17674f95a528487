package io.eventgate.sinks.postgres;

import org.apache.camel.Exchange;

import java.sql.SQLException;

/**
 * Turns a failure of the Postgres sink into the one-line message of its error in the answer: the
 * driver's reason (the innermost {@link SQLException}) rather than a wrapper's "Failed to obtain JDBC
 * Connection", else the first cause that is not a Spring or Camel wrapper; first line only (the
 * server's detail lines are left to the log).
 */
public final class PostgresErrors {

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
        Throwable chosen = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException) {
                chosen = t;
            }
        }
        if (chosen == null) {
            chosen = failure;
            while (isWrapper(chosen) && chosen.getCause() != null && chosen.getCause() != chosen) {
                chosen = chosen.getCause();
            }
        }
        String message = chosen.getMessage();
        if (message == null || message.isBlank()) {
            return chosen.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }

    private static boolean isWrapper(Throwable t) {
        String name = t.getClass().getName();
        return name.startsWith("org.springframework.") || name.startsWith("org.apache.camel.");
    }
}
