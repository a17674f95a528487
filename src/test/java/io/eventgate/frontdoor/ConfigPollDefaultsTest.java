package io.eventgate.frontdoor;

import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SharedKafka;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The configuration poll is on by default for the HTTP server and off by default in Lambda. */
class ConfigPollDefaultsTest {

    @Test
    void theHttpServerPollsByDefault() {
        try (RunningGateway gateway = RunningGateway.start(Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers()))) {
            assertNotNull(gateway.app().camelContext().getRoute("config-poll"));
        }
    }

    @Test
    void lambdaDoesNotPollByDefault() throws Exception {
        LambdaHandler handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", DevTokens.create().keysUrl(),
                "eventgate.token_public_key_url", ""), null, LambdaHandler.INIT_RETRY_INTERVAL);
        try {
            assertNotNull(handler.app(), "EventGate started");
            assertNull(handler.app().camelContext().getRoute("config-poll"));
        } finally {
            handler.stop();
        }
    }

    @Test
    void lambdaPollsWhenAsked() throws Exception {
        LambdaHandler handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.kafka_bootstrap_server", SharedKafka.bootstrapServers(),
                "eventgate.token_public_keys_url", DevTokens.create().keysUrl(),
                "eventgate.token_public_key_url", "",
                "eventgate.config_poll_seconds", "30"), null, LambdaHandler.INIT_RETRY_INTERVAL);
        try {
            assertNotNull(handler.app().camelContext().getRoute("config-poll"));
        } finally {
            handler.stop();
        }
    }
}
