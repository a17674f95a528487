package io.eventgate.sinks;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ConfigLoader;
import io.eventgate.config.ConfigReader;
import io.eventgate.config.Settings;
import io.eventgate.dev.DevTokens;
import io.eventgate.testsupport.ExampleConf;
import io.eventgate.testsupport.FakeSecretsManager;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the Kafka client's security properties come from: the environment (so that a secret need
 * not sit in config.json), config.json, and a Secrets Manager secret's JSON. The end-to-end runs
 * against secured brokers are in {@code io.eventgate.sinks.security}.
 */
class KafkaSecurityTest {

    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"svc\" password=\"from-the-environment\";";

    private static final DevTokens TOKENS = DevTokens.create();
    private static final java.nio.file.Path CONF = ExampleConf.copy();

    private static Settings settings(Map<String, String> env) {
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", TOKENS.keysUrl());
        return new ConfigLoader(CONF, env, system, ConfigReader.LOCAL_ONLY).load().settings();
    }

    @Test
    void environmentVariablesBecomeKafkaClientProperties() {
        Map<String, Object> properties = KafkaSecurity.resolve(settings(Map.of(
                "EVENTGATE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "EVENTGATE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "EVENTGATE_KAFKA_SASL_JAAS_CONFIG", JAAS,
                "EVENTGATE_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw",
                "EVENTGATE_KAFKA_SSL_KEYSTORE_PASSWORD", "key-store-pw",
                "EVENTGATE_KAFKA_SSL_KEY_PASSWORD", "key-pw")));

        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.password", "trust-pw", "ssl.keystore.password", "key-store-pw", "ssl.key.password", "key-pw"),
                properties, "the settings that are set, and no empty one");
    }

    @Test
    void withoutSecuritySettingsTheClientGetsNoneOfThem() {
        assertEquals(Map.of(), KafkaSecurity.resolve(settings(Map.of())));
    }

    @Test
    void hostNameVerificationIsTurnedOffOnlyByNone() {
        assertEquals("", KafkaSecurity.resolve(settings(Map.of(
                "EVENTGATE_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "none"))).get("ssl.endpoint.identification.algorithm"));
        assertFalse(KafkaSecurity.resolve(settings(Map.of("EVENTGATE_KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "")))
                .containsKey("ssl.endpoint.identification.algorithm"));
    }

    @Test
    void aSecretReadOnceServesEveryUseAndAFailedReadIsNotRepeatedAtOnce() throws Exception {
        try (FakeSecretsManager secretsManager = new FakeSecretsManager().put("kafka", "{\"ssl.key.password\": \"kp\"}")) {
            FakeSecretsManager.AWS_CREDENTIALS.forEach(System::setProperty);
            try {
                KafkaSecurity found = security(secretsManager, "kafka");
                assertEquals(Map.of("ssl.key.password", "kp"), found.clientProperties());
                assertEquals(Map.of("ssl.key.password", "kp"), found.clientProperties());

                KafkaSecurity missing = security(secretsManager, "missing");
                for (int i = 0; i < 3; i++) {
                    String message = assertThrows(KafkaSecurity.SecretException.class, missing::clientProperties).getMessage();
                    assertTrue(message.startsWith("Kafka secret 'missing' cannot be read from Secrets Manager"), message);
                }
                assertEquals(List.of("kafka", "missing"), secretsManager.asked());
            } finally {
                FakeSecretsManager.AWS_CREDENTIALS.keySet().forEach(System::clearProperty);
            }
        }
    }

    @Test
    void aSecretsManagerThatCannotBeReachedIsNotNamedByItsAddress() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FakeSecretsManager.AWS_CREDENTIALS.forEach(System::setProperty);
        try {
            Properties system = new Properties();
            system.setProperty("eventgate.token_public_keys_url", TOKENS.keysUrl());
            system.setProperty("eventgate.kafka_secret_name", "prod/kafka");
            system.setProperty("eventgate.kafka_secret_region", "eu-west-1");
            system.setProperty("eventgate.kafka_secret_endpoint_override", "http://127.0.0.1:" + closedPort);
            KafkaSecurity security = new KafkaSecurity(new ConfigHolder(
                    new ConfigLoader(CONF, Map.of(), system, ConfigReader.LOCAL_ONLY)::load));

            String message = assertThrows(KafkaSecurity.SecretException.class, security::clientProperties).getMessage();
            assertTrue(message.startsWith("Kafka secret 'prod/kafka' cannot be read from Secrets Manager"), message);
            assertFalse(message.contains("127.0.0.1") || message.contains(String.valueOf(closedPort)),
                    "the answer and /health name no host: " + message);
            assertEquals(message, KafkaErrors.describe(new RuntimeException(
                    assertThrows(KafkaSecurity.SecretException.class, security::clientProperties))));
        } finally {
            FakeSecretsManager.AWS_CREDENTIALS.keySet().forEach(System::clearProperty);
        }
    }

    private static KafkaSecurity security(FakeSecretsManager secretsManager, String secretName) {
        Properties system = new Properties();
        system.setProperty("eventgate.token_public_keys_url", TOKENS.keysUrl());
        system.setProperty("eventgate.kafka_secret_name", secretName);
        system.setProperty("eventgate.kafka_secret_region", "eu-west-1");
        system.setProperty("eventgate.kafka_secret_endpoint_override", secretsManager.url());
        return new KafkaSecurity(new ConfigHolder(new ConfigLoader(CONF, Map.of(), system, ConfigReader.LOCAL_ONLY)::load));
    }

    @Test
    void anMskSecretBecomesTheJaasLineOfItsMechanism() {
        String secret = "{\"username\": \"svc\", \"password\": \"p\\\"w\\\\1\"}";
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" password=\"p\\\"w\\\\1\";",
                KafkaSecurity.fromSecret("s", secret, "SCRAM-SHA-512").get("sasl.jaas.config"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"p\\\"w\\\\1\";",
                KafkaSecurity.fromSecret("s", secret, "PLAIN").get("sasl.jaas.config"));
    }

    @Test
    void aSecretsClientPropertiesAreTakenAsTheyAre() {
        Map<String, String> properties = KafkaSecurity.fromSecret("s",
                "{\"sasl.jaas.config\": \"x required;\", \"ssl.keystore.password\": \"ks\", \"note\": \"ignored\"}", "GSSAPI");
        assertEquals(Map.of("sasl.jaas.config", "x required;", "ssl.keystore.password", "ks"), properties);
    }

    @Test
    void anUnusableSecretIsNamedButNotQuoted() {
        String wrongMechanism = assertThrows(KafkaSecurity.SecretException.class, () -> KafkaSecurity.fromSecret("prod/kafka",
                "{\"username\": \"svc\", \"password\": \"hunter2\"}", "GSSAPI")).getMessage();
        assertTrue(wrongMechanism.startsWith("Kafka secret 'prod/kafka' has a username and password"), wrongMechanism);
        assertFalse(wrongMechanism.contains("hunter2"), wrongMechanism);

        String notJson = assertThrows(KafkaSecurity.SecretException.class,
                () -> KafkaSecurity.fromSecret("prod/kafka", "hunter2", "PLAIN")).getMessage();
        assertEquals("Kafka secret 'prod/kafka' is not a JSON object", notJson);

        String halfPair = assertThrows(KafkaSecurity.SecretException.class,
                () -> KafkaSecurity.fromSecret("prod/kafka", "{\"password\": \"hunter2\"}", "PLAIN")).getMessage();
        assertEquals("Kafka secret 'prod/kafka' has 'password' without 'username'", halfPair);
    }
}
