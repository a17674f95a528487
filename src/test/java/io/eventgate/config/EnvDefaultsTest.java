package io.eventgate.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Defaults in application.properties may name an environment variable, as Camel allows. */
class EnvDefaultsTest {

    @Test
    void environmentVariableElseFallback() {
        Map<String, String> env = Map.of("POSTGRES_SECRET_NAME", "prod/pg");
        assertEquals("prod/pg", ConfigLoader.resolveEnv("{{env:POSTGRES_SECRET_NAME:}}", env));
        assertEquals("", ConfigLoader.resolveEnv("{{env:POSTGRES_SECRET_REGION:}}", env));
        assertEquals("eu-west-1", ConfigLoader.resolveEnv("{{env:POSTGRES_SECRET_REGION:eu-west-1}}", env));
        assertEquals("", ConfigLoader.resolveEnv("{{env:NOT_SET}}", env));
        assertEquals("a-prod/pg-b", ConfigLoader.resolveEnv("a-{{env:POSTGRES_SECRET_NAME}}-b", env));
        assertEquals("plain", ConfigLoader.resolveEnv("plain", env));
        assertEquals("$1\\x", ConfigLoader.resolveEnv("{{env:ODD}}", Map.of("ODD", "$1\\x")));
    }
}
