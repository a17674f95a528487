package io.eventgate.sinks.postgres;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The secret's JSON, in the original EventGate's field names and in an RDS-managed secret's. */
class PostgresCredentialsTest {

    @Test
    void originalFieldNames() {
        PostgresCredentials c = PostgresCredentials.fromSecret("s",
                "{\"database\": \"events\", \"host\": \"db.local\", \"user\": \"writer\", \"password\": \"pw\", \"port\": 6543}");
        assertEquals(new PostgresCredentials(null, "db.local", 6543, "events", "writer", "pw", true), c);
    }

    @Test
    void rdsManagedFieldNames() {
        PostgresCredentials c = PostgresCredentials.fromSecret("s",
                "{\"engine\": \"postgres\", \"dbname\": \"events\", \"host\": \"db.local\", \"username\": \"writer\","
                        + " \"password\": \"pw\", \"port\": \"5432\"}");
        assertEquals(new PostgresCredentials(null, "db.local", 5432, "events", "writer", "pw", true), c);
    }

    @Test
    void missingFieldIsNamedAndThePasswordIsNeverShown() {
        String message = assertThrows(IllegalStateException.class, () -> PostgresCredentials.fromSecret("prod/pg",
                "{\"database\": \"events\", \"user\": \"writer\", \"password\": \"s3cret\"}")).getMessage();
        assertEquals("Postgres secret 'prod/pg' has no 'host'", message);
        assertThrows(IllegalStateException.class, () -> PostgresCredentials.fromSecret("prod/pg", "not json"));
        PostgresCredentials c = PostgresCredentials.fromSecret("s",
                "{\"database\": \"d\", \"host\": \"h\", \"user\": \"u\", \"password\": \"s3cret\"}");
        assertFalse(c.toString().contains("s3cret"), c.toString());
        assertEquals(5432, c.port());
    }

    @Test
    void errorMessagesArePlainSentencesWithoutHostsOrDriverText() {
        SQLException driver = new SQLException("Connection to db:5432 refused.\n  Detail: more", "08001");
        Exception wrapped = new org.springframework.jdbc.CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("postgres - Connection is not available", driver));
        assertEquals("cannot connect to the database", PostgresErrors.describe(wrapped));
        assertEquals("the database refused the credentials",
                PostgresErrors.describe(new SQLException("password authentication failed for user \"u\"", "28P01")));
        assertEquals("the database refused a value of the event (SQLSTATE 22003)",
                PostgresErrors.describe(new SQLException("value \"99999\" is out of range for type integer", "22003")));
        IllegalStateException ours = fromEventGate("no secret");
        assertEquals("no secret", PostgresErrors.describe(new org.apache.camel.RuntimeCamelException(ours)));
        IllegalStateException foreign = new IllegalStateException("x at 10.0.0.1");
        foreign.setStackTrace(new StackTraceElement[] {new StackTraceElement("org.example.Pool", "get", null, 1)});
        assertEquals("the Postgres sink failed unexpectedly", PostgresErrors.describe(foreign));
    }

    private static IllegalStateException fromEventGate(String message) {
        IllegalStateException e = new IllegalStateException(message);
        e.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("io.eventgate.sinks.postgres.PostgresCredentials", "fromSecret", null, 1)});
        return e;
    }
}
