package io.eventgate.sinks.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventgate.testsupport.FakeSecretsManager;
import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.eventgate.sinks.security.SecuredSink.assertPublishedAndReadBack;
import static io.eventgate.sinks.security.SecuredSink.assertRefused;
import static io.eventgate.sinks.security.SecuredSink.client;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kafka credentials from AWS Secrets Manager, as in Lambda: the real AWS SDK client talks to an
 * in-test Secrets Manager whose secret holds the SCRAM user and password (the form of an Amazon MSK
 * secret) and the truststore's password; config.json names only the secret. The secret is read
 * once, for the producer and the /health probe together. A secret that cannot be read fails the
 * publish with a reason that names the secret, not its contents.
 */
class KafkaSecretsManagerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "AmazonMSK_eventgate";
    private static FakeSecretsManager secretsManager;
    @RegisterExtension
    static final SecuredSink.Log LOG = new SecuredSink.Log(() -> List.of(kafka().scramPassword(), kafka().storePassword()));

    private static SecuredKafka kafka() {
        return SecuredKafka.get();
    }

    @BeforeAll
    static void start() throws Exception {
        secretsManager = new FakeSecretsManager().put(SECRET, JSON.writeValueAsString(Map.of(
                "username", SecuredKafka.SCRAM_USER, "password", kafka().scramPassword(),
                "ssl.truststore.password", kafka().storePassword())));
        FakeSecretsManager.AWS_CREDENTIALS.forEach(System::setProperty);
    }

    @AfterAll
    static void stop() {
        FakeSecretsManager.AWS_CREDENTIALS.keySet().forEach(System::clearProperty);
        secretsManager.close();
    }

    private static RunningGateway gateway(String secretName) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("eventgate.kafka_bootstrap_server", kafka().bootstrap(SecuredKafka.SASL));
        overrides.put("eventgate.sink_timeout_ms", String.valueOf(SecuredSink.SINK_TIMEOUT_MS));
        overrides.put("eventgate.kafka.security.protocol", "SASL_SSL");
        overrides.put("eventgate.kafka.sasl.mechanism", "SCRAM-SHA-512");
        overrides.put("eventgate.kafka.ssl.truststore.type", "PKCS12");
        overrides.put("eventgate.kafka.ssl.truststore.location", kafka().truststore().toString());
        overrides.put("eventgate.kafka_secret_name", secretName);
        overrides.put("eventgate.kafka_secret_region", "eu-west-1");
        overrides.put("eventgate.kafka_secret_endpoint_override", secretsManager.url());
        return RunningGateway.start(overrides);
    }

    @Test
    void scramCredentialsAndTheTruststorePasswordComeFromTheSecret() {
        try (RunningGateway gateway = gateway(SECRET)) {
            assertPublishedAndReadBack(gateway, SecuredKafka.SASL, client(
                    "security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                    "sasl.jaas.config", KafkaSaslTest.scramJaas(SecuredKafka.SCRAM_USER, kafka().scramPassword()),
                    "ssl.truststore.type", "PKCS12", "ssl.truststore.location", kafka().truststore().toString(),
                    "ssl.truststore.password", kafka().storePassword()));
            assertEquals(1, secretsManager.asked().stream().filter(SECRET::equals).count(),
                    "one read for the producer and the probe: " + secretsManager.asked());
        }
    }

    @Test
    void aSecretThatCannotBeReadFailsThePublishWithItsName() {
        try (RunningGateway gateway = gateway("no-such-secret")) {
            assertRefused(gateway, "Kafka secret 'no-such-secret' cannot be read from Secrets Manager");
        }
    }
}
