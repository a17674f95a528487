package io.eventgate.config;

import io.eventgate.dev.DevTokens;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broken configuration stops start-up with one line that names the file and the problem. */
class ConfigLoaderTest {

    @TempDir
    Path conf;
    private Properties overrides;

    @BeforeEach
    void exampleConfiguration() throws IOException {
        for (String file : new String[] {"config.json", "access.json", "topic_keys.json", "api.yaml"}) {
            Files.copy(Path.of("conf", file), conf.resolve(file));
        }
        Files.createDirectories(conf.resolve("topic_schemas"));
        Files.copy(Path.of("conf/topic_schemas/test.json"), conf.resolve("topic_schemas/test.json"));
        overrides = new Properties();
        overrides.setProperty("eventgate.token_public_keys_url", DevTokens.create().keysUrl());
    }

    private EventGateConfig load() {
        return load(Map.of());
    }

    private EventGateConfig load(Map<String, String> env) {
        return new ConfigLoader(conf, env, overrides, ConfigReader.LOCAL_ONLY).load();
    }

    private String failure() {
        String message = assertThrows(ConfigException.class, this::load).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    @Test
    void exampleConfigurationLoads() {
        EventGateConfig config = load();
        assertEquals(java.util.List.of("public.cps.za.test"), config.topics().names());
        assertEquals("event_id", config.keyField("public.cps.za.test").orElseThrow());
        assertTrue(config.admins().contains("eventgateadmin"));
    }

    @Test
    void missingConfigJson() throws IOException {
        Files.delete(conf.resolve("config.json"));
        assertTrue(failure().matches(".*config\\.json: file not found"), failure());
    }

    @Test
    void malformedConfigJson() throws IOException {
        Files.writeString(conf.resolve("config.json"), "{\"access_config\": ");
        String message = failure();
        assertTrue(message.contains("config.json: not valid JSON"), message);
    }

    @Test
    void missingAccessFile() throws IOException {
        Files.delete(conf.resolve("access.json"));
        assertTrue(failure().contains("access.json: file not found"), failure());
    }

    @Test
    void accessFileOfWrongShape() throws IOException {
        Files.writeString(conf.resolve("access.json"), "{\"public.cps.za.test\": 42}");
        assertTrue(failure().contains("topic 'public.cps.za.test'"), failure());
    }

    @Test
    void badConstraintPattern() throws IOException {
        Files.writeString(conf.resolve("access.json"), "{\"t\": {\"U\": {\"source_app\": [\"([unclosed\"]}}}");
        String message = failure();
        assertTrue(message.contains("source_app") && message.contains("bad pattern"), message);
    }

    @Test
    void malformedSchema() throws IOException {
        Files.writeString(conf.resolve("topic_schemas/test.json"), "{\"type\": ");
        assertTrue(failure().contains("test.json: not valid JSON"), failure());
    }

    @Test
    void missingApiYaml() throws IOException {
        Files.delete(conf.resolve("api.yaml"));
        assertTrue(failure().contains("api.yaml: file not found"), failure());
    }

    @Test
    void missingKeyUrls() {
        overrides.setProperty("eventgate.token_public_keys_url", "");
        assertTrue(failure().contains("token_public_key_url"), failure());
    }

    @Test
    void unreachableKeyUrl() {
        overrides.setProperty("eventgate.token_public_keys_url", "file:/nonexistent/keys.json");
        assertTrue(failure().startsWith("token_public_keys_url (file:/nonexistent/keys.json)"), failure());
    }

    @Test
    void plainHttpKeyUrlOfAnotherHost() {
        overrides.setProperty("eventgate.token_public_keys_url", "http://login.example.com/token/public-keys");
        assertEquals("token_public_keys_url (http://login.example.com/token/public-keys): plain http is accepted only"
                + " from a loopback host (127.0.0.0/8, ::1, localhost); use https, or set token_allow_http=true", failure());
    }

    @Test
    void tokenSettingsOutOfRange() {
        overrides.setProperty("eventgate.token_require_exp", "ture");
        assertEquals("setting 'token_require_exp': 'ture' is not true or false", failure());
        overrides.setProperty("eventgate.token_require_exp", "false");
        overrides.setProperty("eventgate.token_fetch_timeout_ms", "0");
        assertEquals("setting 'token_fetch_timeout_ms': must be greater than 0", failure());
        overrides.setProperty("eventgate.token_fetch_timeout_ms", "5000");
        overrides.setProperty("eventgate.token_fetch_max_bytes", "-1");
        assertEquals("setting 'token_fetch_max_bytes': must be greater than 0", failure());
    }

    @Test
    void environmentOverridesConfigJson() {
        EventGateConfig config = load(Map.of("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", "broker:9093",
                "EVENTGATE_MAX_BODY_BYTES", "10"));
        assertEquals("broker:9093", config.settings().get("kafka_bootstrap_server").orElseThrow());
        assertEquals(10, config.maxBodyBytes());
    }

    @Test
    void systemPropertyOverridesEnvironment() {
        overrides.setProperty("eventgate.kafka_bootstrap_server", "from-property:1");
        EventGateConfig config = load(Map.of("EVENTGATE_KAFKA_BOOTSTRAP_SERVER", "from-env:1"));
        assertEquals("from-property:1", config.settings().get("kafka_bootstrap_server").orElseThrow());
    }
}
