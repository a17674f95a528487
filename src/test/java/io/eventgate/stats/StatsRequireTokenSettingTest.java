package io.eventgate.stats;

import io.eventgate.config.ConfigException;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.EventGateConfig;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ExampleConf;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code stats_require_token} is a security switch, like {@code token_require_exp}: {@code true} or
 * {@code false} and nothing else, so that a typo ({@code yes}, {@code 1}, {@code on}) cannot open the
 * stats to anyone. Such a value stops the load (start-up, or a reload, which keeps the configuration
 * in force) with one line that names it.
 */
class StatsRequireTokenSettingTest {

    private static final DevTokens TOKENS = DevTokens.create();
    private static final Path CONF = ExampleConf.copy();

    private static EventGateConfig load(String value) {
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", TOKENS.keysUrl());
        system.setProperty("eventgate.stats_require_token", value);
        return new ConfigLoader(CONF, Map.of(), system, ConfigReader.LOCAL_ONLY).load();
    }

    @Test
    void aValueThatIsNotTrueOrFalseIsRefused() {
        for (String typo : new String[] {"yes", "1", "on", "flase"}) {
            assertEquals("setting 'stats_require_token': '" + typo + "' is not true or false",
                    assertThrows(ConfigException.class, () -> load(typo)).getMessage());
        }
    }

    @Test
    void falseOpensTheEndpointAsUpstream() {
        assertFalse(load("false").settings().getBoolean(StatsAccess.REQUIRE_TOKEN, true));
    }
}
