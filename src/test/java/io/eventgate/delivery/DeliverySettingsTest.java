package io.eventgate.delivery;

import io.eventgate.EventGateApplication;
import io.eventgate.config.ConfigException;
import io.eventgate.config.S3ConfigReader;
import io.eventgate.dev.DevTokens;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A wrong {@code delivery.*} setting stops start-up with one line that names it, before Camel starts. */
class DeliverySettingsTest {

    @Test
    void anUnknownRepositoryStopsStartUp() {
        assertEquals("setting 'delivery.repository': 'redis' is not one of memory, jdbc, off",
                refusal(Map.of("eventgate.delivery.repository", "redis")));
    }

    @Test
    void theJdbcRepositoryNeedsTheDatabase() {
        assertEquals("setting 'delivery.repository': jdbc needs the Postgres database "
                        + "(postgres.secret_name, postgres.jdbc_url or postgres.host)",
                refusal(Map.of("eventgate.delivery.repository", "jdbc", "eventgate.postgres.secret_name", "")));
    }

    @Test
    void theTableMustBeATableName() {
        assertEquals("setting 'delivery.jdbc.table': 'acks; DROP TABLE x' is not a table name",
                refusal(Map.of("eventgate.delivery.repository", "jdbc", "eventgate.postgres.host", "localhost",
                        "eventgate.delivery.jdbc.table", "acks; DROP TABLE x")));
    }

    @Test
    void boundsMustBePositive() {
        assertEquals("setting 'delivery.memory.max_entries': 0 is not a positive number",
                refusal(Map.of("eventgate.delivery.memory.max_entries", "0")));
        assertEquals("setting 'delivery.expiry_seconds': 'a day' is not a whole number",
                refusal(Map.of("eventgate.delivery.expiry_seconds", "a day")));
    }

    private static final DevTokens TOKENS = DevTokens.create();

    private static String refusal(Map<String, String> settings) {
        Map<String, String> overrides = new HashMap<>(settings);
        overrides.put("eventgate.token_public_keys_url", TOKENS.keysUrl());
        overrides.put("eventgate.token_public_key_url", "");
        return assertThrows(ConfigException.class, () -> EventGateApplication.create(
                EventGateApplication.FrontDoor.NONE, new S3ConfigReader(), overrides)).getMessage();
    }
}
