package io.eventgate.frontdoor;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventgate.StartFailure;
import io.eventgate.config.ConfigException;
import io.eventgate.config.ConfigReader;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ExampleConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.eventgate.frontdoor.LambdaEvents.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A configuration error at start: every request answers 500 {@code internal}, until it is fixed. */
class LambdaHandlerStartFailureTest {

    @Test
    void brokenConfigurationAnswers500UntilFixed(@TempDir Path conf) throws Exception {
        ExampleConf.copyTo(conf);
        Files.writeString(conf.resolve("config.json"), "{\"access_config\": \"access.json\",");
        DevTokens tokens = DevTokens.create();
        LambdaHandler handler = new LambdaHandler(ConfigReader.LOCAL_ONLY, Map.of(
                "eventgate.conf-dir", conf.toString(),
                "eventgate.token_public_keys_url", tokens.keysUrl(),
                "eventgate.token_public_key_url", ""), "fn", Duration.ZERO);
        try {
            assertNull(handler.app());
            for (int i = 0; i < 2; i++) {
                Map<String, Object> response = handler.handleRequest(LambdaEvents.v1("GET", "/topics"), null);
                assertEquals(500, response.get("statusCode"));
                assertEquals(Map.of("Content-Type", "application/json"), response.get("headers"));
                JsonNode body = JSON.readTree((String) response.get("body"));
                assertFalse(body.path("success").asBoolean(true));
                assertEquals("internal", body.path("errors").path(0).path("type").asText());
                assertFalse(response.get("body").toString().contains("Exception"), response.get("body").toString());
            }

            // Fixed: the next request starts EventGate and is served.
            Files.copy(Path.of("conf/config.json"), conf.resolve("config.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Map<String, Object> response = handler.handleRequest(LambdaEvents.v2("GET", "/topics"), null);
            assertEquals(200, response.get("statusCode"), () -> "body: " + response.get("body"));
        } finally {
            handler.stop();
        }
    }

    @Test
    void reasonIsTheConfigurationErrorEvenWhenWrapped() {
        Exception wrapped = new IllegalStateException("start failed",
                new RuntimeException(new ConfigException("conf/config.json: not valid JSON")));
        assertEquals("conf/config.json: not valid JSON", StartFailure.reason(wrapped));
        assertEquals("boom", StartFailure.reason(new RuntimeException("outer", new IllegalArgumentException("boom"))));
    }
}
