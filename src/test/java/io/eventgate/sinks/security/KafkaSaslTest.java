package io.eventgate.sinks.security;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.eventgate.sinks.security.SecuredSink.assertPublishedAndReadBack;
import static io.eventgate.sinks.security.SecuredSink.assertRefused;
import static io.eventgate.sinks.security.SecuredSink.client;
import static io.eventgate.sinks.security.SecuredSink.gateway;

/**
 * The Kafka sink over SASL_SSL with SCRAM-SHA-512 (the user is in the broker's metadata) and with
 * PLAIN (the user is in the broker's JAAS line), each with the test CA's truststore. A wrong
 * password fails the publish with "authentication failed", and neither password is ever logged.
 */
class KafkaSaslTest {

    private static final String WRONG_PASSWORD = "wrong-" + UUID.randomUUID();
    private static SecuredKafka kafka;
    private static SecuredSink.Log log;

    @BeforeAll
    static void start() {
        log = new SecuredSink.Log();
        kafka = SecuredKafka.get();
    }

    @AfterAll
    static void noSecretLogged() {
        try {
            log.assertHoldsNone(kafka.scramPassword(), kafka.plainPassword(), kafka.storePassword(), WRONG_PASSWORD);
        } finally {
            log.close();
        }
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
                "ssl.truststore.location", kafka.truststore().toString(),
                "ssl.truststore.password", kafka.storePassword());
    }

    static Map<String, Object> consumer(String mechanism, String jaas) {
        return client("security.protocol", "SASL_SSL", "sasl.mechanism", mechanism, "sasl.jaas.config", jaas,
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", kafka.truststore().toString(),
                "ssl.truststore.password", kafka.storePassword());
    }

    @Test
    void scramSha512PublishesAndTheRecordIsReadBackOverSaslSsl() {
        String jaas = scramJaas(SecuredKafka.SCRAM_USER, kafka.scramPassword());
        try (RunningGateway gateway = gateway(SecuredKafka.SASL, sasl("SCRAM-SHA-512", jaas))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.SASL, consumer("SCRAM-SHA-512", jaas));
        }
    }

    @Test
    void scramWithAWrongPasswordFailsAuthentication() {
        try (RunningGateway gateway = gateway(SecuredKafka.SASL,
                sasl("SCRAM-SHA-512", scramJaas(SecuredKafka.SCRAM_USER, WRONG_PASSWORD)))) {
            assertRefused(gateway, "authentication failed");
        }
    }

    @Test
    void plainPublishesAndTheRecordIsReadBackOverSaslSsl() {
        String jaas = plainJaas(SecuredKafka.PLAIN_USER, kafka.plainPassword());
        try (RunningGateway gateway = gateway(SecuredKafka.SASL, sasl("PLAIN", jaas))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.SASL, consumer("PLAIN", jaas));
        }
    }

    @Test
    void plainWithAWrongPasswordFailsAuthentication() {
        try (RunningGateway gateway = gateway(SecuredKafka.SASL,
                sasl("PLAIN", plainJaas(SecuredKafka.PLAIN_USER, WRONG_PASSWORD)))) {
            assertRefused(gateway, "authentication failed");
        }
    }
}
