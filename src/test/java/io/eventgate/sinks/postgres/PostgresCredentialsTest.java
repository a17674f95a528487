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
    void errorMessagesNameTheDriversReason() {
        SQLException driver = new SQLException("Connection to db:5432 refused.\n  Detail: more");
        Exception wrapped = new org.springframework.jdbc.CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
                new SQLTransientConnectionException("postgres - Connection is not available", driver));
        assertEquals("Connection to db:5432 refused.", PostgresErrors.describe(wrapped));
        assertEquals("no secret", PostgresErrors.describe(
                new org.apache.camel.RuntimeCamelException(new IllegalStateException("no secret"))));
        assertTrue(PostgresErrors.describe(new IllegalStateException()).contains("IllegalStateException"));
    }
}
