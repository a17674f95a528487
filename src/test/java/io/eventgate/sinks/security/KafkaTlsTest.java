package io.eventgate.sinks.security;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import io.eventgate.testsupport.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.eventgate.sinks.security.SecuredSink.assertPublishedAndReadBack;
import static io.eventgate.sinks.security.SecuredSink.assertRefused;
import static io.eventgate.sinks.security.SecuredSink.client;
import static io.eventgate.sinks.security.SecuredSink.gateway;

/**
 * The Kafka sink over TLS ({@code security.protocol=SSL}) and mutual TLS, against an in-JVM broker
 * whose certificates come from a CA made in the test: EventGate trusts the broker through a
 * truststore or a PEM CA file, and proves itself with a PKCS12 or PEM keystore. An untrusted broker,
 * a broker whose certificate has expired or names another host, and an expired client certificate
 * each fail the publish with a plain reason.
 */
class KafkaTlsTest {

    private static final String OTHER_PASSWORD = "other-" + UUID.randomUUID();
    @RegisterExtension
    static final SecuredSink.Log LOG = new SecuredSink.Log(() -> List.of(kafka().storePassword(), OTHER_PASSWORD));

    /** The secured broker, started once per JVM on first use (inside the log capture). */
    private static SecuredKafka kafka() {
        return SecuredKafka.get();
    }

    private static Map<String, String> truststore() {
        return Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", kafka().truststore().toString(),
                "ssl.truststore.password", kafka().storePassword());
    }

    private static Map<String, Object> tlsConsumer() {
        return client("security.protocol", "SSL", "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", kafka().truststore().toString(), "ssl.truststore.password", kafka().storePassword());
    }

    private static Map<String, Object> mtlsConsumer() {
        Map<String, Object> consumer = tlsConsumer();
        consumer.put("ssl.keystore.type", "PKCS12");
        consumer.put("ssl.keystore.location", kafka().clientKeystore().toString());
        consumer.put("ssl.keystore.password", kafka().storePassword());
        return consumer;
    }

    @Test
    void tlsWithATruststorePublishesAndTheRecordIsReadBackOverTls() {
        try (RunningGateway gateway = gateway(SecuredKafka.TLS, truststore())) {
            assertPublishedAndReadBack(gateway, SecuredKafka.TLS, tlsConsumer());
        }
    }

    @Test
    void tlsWithAPemCaFilePublishes() throws IOException {
        Path pem = Files.writeString(kafka().dir().resolve("ca.pem"), kafka().ca().certificatePem());
        try (RunningGateway gateway = gateway(SecuredKafka.TLS, Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", pem.toString()))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.TLS, tlsConsumer());
        }
    }

    @Test
    void aBrokerSignedByAnotherCaIsNotTrusted() {
        Path other = TestPki.ca("Some Other CA").truststore(kafka().dir().resolve("other-ca.p12"), "PKCS12", OTHER_PASSWORD);
        try (RunningGateway gateway = gateway(SecuredKafka.TLS, Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", other.toString(),
                "ssl.truststore.password", OTHER_PASSWORD))) {
            assertRefused(gateway, "certificate not trusted");
        }
    }

    @Test
    void aBrokerWhoseCertificateHasExpiredIsNotTrusted() {
        try (RunningGateway gateway = gateway(SecuredKafka.EXPIRED, truststore())) {
            assertRefused(gateway, "the broker's certificate has expired or is not yet valid");
        }
    }

    @Test
    void aBrokerWhoseCertificateNamesAnotherHostIsNotTrusted() {
        try (RunningGateway gateway = gateway(SecuredKafka.WRONG_HOST, truststore())) {
            assertRefused(gateway, "the broker's certificate is not issued for the broker's host name");
        }
    }

    @Test
    void aWrongTruststorePasswordIsNamedAsSuch() {
        try (RunningGateway gateway = gateway(SecuredKafka.TLS, Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PKCS12", "ssl.truststore.location", kafka().truststore().toString(),
                "ssl.truststore.password", OTHER_PASSWORD))) {
            assertRefused(gateway, "Kafka TLS setup failed: a keystore, truststore or key password is wrong");
        }
    }

    @Test
    void mutualTlsWithAPkcs12KeystorePublishesAndTheRecordIsReadBackOverMutualTls() {
        Map<String, String> settings = new java.util.HashMap<>(truststore());
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", kafka().clientKeystore().toString());
        settings.put("ssl.keystore.password", kafka().storePassword());
        try (RunningGateway gateway = gateway(SecuredKafka.MTLS, settings)) {
            assertPublishedAndReadBack(gateway, SecuredKafka.MTLS, mtlsConsumer());
        }
    }

    @Test
    void mutualTlsWithPemFilesPublishes() throws IOException {
        Path ca = Files.writeString(kafka().dir().resolve("ca-for-mtls.pem"), kafka().ca().certificatePem());
        Path keyAndChain = Files.writeString(kafka().dir().resolve("client.pem"), kafka().client().keyAndChainPem());
        try (RunningGateway gateway = gateway(SecuredKafka.MTLS, Map.of("security.protocol", "SSL",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", ca.toString(),
                "ssl.keystore.type", "PEM", "ssl.keystore.location", keyAndChain.toString()))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.MTLS, mtlsConsumer());
        }
    }

    @Test
    void anExpiredClientCertificateIsRefusedByTheBroker() {
        Path expired = kafka().expiredClient().keystore(kafka().dir().resolve("expired.p12"), "PKCS12", OTHER_PASSWORD);
        Map<String, String> settings = new java.util.HashMap<>(truststore());
        settings.put("ssl.keystore.type", "PKCS12");
        settings.put("ssl.keystore.location", expired.toString());
        settings.put("ssl.keystore.password", OTHER_PASSWORD);
        try (RunningGateway gateway = gateway(SecuredKafka.MTLS, settings)) {
            assertRefused(gateway, "the broker refused EventGate's certificate");
        }
    }
}
