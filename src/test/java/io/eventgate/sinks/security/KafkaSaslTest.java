package io.eventgate.sinks.security;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.eventgate.sinks.security.SecuredSink.assertPublishedAndReadBack;
import static io.eventgate.sinks.security.SecuredSink.assertRefused;
import static io.eventgate.sinks.security.SecuredSink.client;
import static io.eventgate.sinks.security.SecuredSink.gateway;

/**
 * The Kafka sink over SASL_SSL with SCRAM-SHA-512 and SCRAM-SHA-256 (the user is in the broker's metadata) and with
 * PLAIN (the user is in the broker's JAAS line), each with the test CA's truststore. A wrong
 * password fails the publish with "authentication failed", and neither password is ever logged.
 */
class KafkaSaslTest {

    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    @RegisterExtension
    static final SecuredSink.Log LOG = new SecuredSink.Log(() -> List.of(
            kafka().scramPassword(), kafka().plainPassword(), kafka().storePassword(), WRONG_PASSWORD));

    /** The secured broker, started once per JVM on first use (inside the log capture). */
    private static SecuredKafka kafka() {
        return SecuredKafka.get();
    }

    static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    static String plainJaas(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** The settings of SASL_SSL with this mechanism and JAAS line, trusting the test CA. */
    static Map<String, String> sasl(String mechanism, String jaas) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", mechanism,
                "sasl.jaas.config", jaas,
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", kafka().truststore().toString(),
                "ssl.truststore.password", kafka().storePassword());
    }

    static Map<String, Object> consumer(String mechanism, String jaas) {
        return client("security.protocol", "SASL_SSL", "sasl.mechanism", mechanism, "sasl.jaas.config", jaas,
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", kafka().truststore().toString(),
                "ssl.truststore.password", kafka().storePassword());
    }

    /** A publish with this mechanism and JAAS line gets 202, and its record is read back over SASL_SSL with it. */
    private static void assertPublishes(String mechanism, String jaas) {
        try (RunningGateway gateway = gateway(SecuredKafka.SASL, sasl(mechanism, jaas))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.SASL, consumer(mechanism, jaas));
        }
    }

    private static void assertAuthenticationFails(String mechanism, String jaas) {
        try (RunningGateway gateway = gateway(SecuredKafka.SASL, sasl(mechanism, jaas))) {
            assertRefused(gateway, "authentication failed");
        }
    }

    @Test
    void scramSha512PublishesAndTheRecordIsReadBackOverSaslSsl() {
        assertPublishes("SCRAM-SHA-512", scramJaas(SecuredKafka.SCRAM_USER, kafka().scramPassword()));
    }

    @Test
    void scramSha256PublishesAndTheRecordIsReadBackOverSaslSsl() {
        assertPublishes("SCRAM-SHA-256", scramJaas(SecuredKafka.SCRAM_USER, kafka().scramPassword()));
    }

    @Test
    void scramWithAWrongPasswordFailsAuthentication() {
        assertAuthenticationFails("SCRAM-SHA-512", scramJaas(SecuredKafka.SCRAM_USER, WRONG_PASSWORD));
    }

    @Test
    void plainPublishesAndTheRecordIsReadBackOverSaslSsl() {
        assertPublishes("PLAIN", plainJaas(SecuredKafka.PLAIN_USER, kafka().plainPassword()));
    }

    @Test
    void plainWithAWrongPasswordFailsAuthentication() {
        assertAuthenticationFails("PLAIN", plainJaas(SecuredKafka.PLAIN_USER, WRONG_PASSWORD));
    }
}
