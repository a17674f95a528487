package io.eventgate.sinks;

import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.Settings;
import io.eventgate.dev.DevTokens;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code sinks.<name>.requires}: all of its entries, where an entry {@code a|b} needs either one. */
class SinkRequiresTest {

    private static final String KEYS_URL = DevTokens.create().keysUrl();
    private static final String POSTGRES_ANY = "postgres.secret_name|postgres.jdbc_url|postgres.host";

    private static Settings settings(Map<String, String> env, String... overrides) {
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", KEYS_URL);
        for (int i = 0; i < overrides.length; i += 2) {
            system.setProperty("eventgate." + overrides[i], overrides[i + 1]);
        }
        return new ConfigLoader(Path.of("conf"), env, system, ConfigReader.LOCAL_ONLY).load().settings();
    }

    @Test
    void postgresNeedsASecretOrALocalDatabase() {
        assertEquals(List.of(POSTGRES_ANY), SinkDirectory.missingSettings(settings(Map.of()), "postgres"));
        assertEquals(List.of(), SinkDirectory.missingSettings(settings(Map.of(), "postgres.host", "db"), "postgres"));
        assertEquals(List.of(), SinkDirectory.missingSettings(
                settings(Map.of(), "postgres.jdbc_url", "jdbc:postgresql://db/x"), "postgres"));
        assertEquals(List.of(), SinkDirectory.missingSettings(
                settings(Map.of("EVENTGATE_POSTGRES_SECRET_NAME", "dev/pg")), "postgres"));
    }

    @Test
    void theOriginalSecretVariablesAreTheDefaults() {
        Settings settings = settings(Map.of("POSTGRES_SECRET_NAME", "prod/pg", "POSTGRES_SECRET_REGION", "eu-west-1"));
        assertEquals("prod/pg", settings.get("postgres.secret_name", ""));
        assertEquals("eu-west-1", settings.get("postgres.secret_region", ""));
        assertEquals(List.of(), SinkDirectory.missingSettings(settings, "postgres"));
        // An EventGate setting still wins over them.
        assertEquals("mine", settings(Map.of("POSTGRES_SECRET_NAME", "prod/pg"), "postgres.secret_name", "mine")
                .get("postgres.secret_name", ""));
    }

    @Test
    void everyEntryIsNeededAndAlternativesNeedOne() {
        String requires = "a|b, c";
        assertEquals(List.of("a|b", "c"), SinkDirectory.missingSettings(
                settings(Map.of(), "sinks.x.requires", requires), "x"));
        assertEquals(List.of("c"), SinkDirectory.missingSettings(
                settings(Map.of(), "sinks.x.requires", requires, "b", "1"), "x"));
        assertEquals(List.of(), SinkDirectory.missingSettings(
                settings(Map.of(), "sinks.x.requires", requires, "a", "1", "c", "1"), "x"));
        assertEquals(List.of("a|b"), SinkDirectory.missingSettings(
                settings(Map.of(), "sinks.x.requires", requires, "a", " ", "c", "1"), "x"));
    }
}
