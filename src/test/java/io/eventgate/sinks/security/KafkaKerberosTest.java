package io.eventgate.sinks.security;

import io.eventgate.testsupport.RunningGateway;
import io.eventgate.testsupport.SecuredKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static io.eventgate.sinks.security.SecuredSink.assertPublishedAndReadBack;
import static io.eventgate.sinks.security.SecuredSink.assertRefused;
import static io.eventgate.sinks.security.SecuredSink.client;
import static io.eventgate.sinks.security.SecuredSink.gateway;

/**
 * The Kafka sink over SASL_SSL with GSSAPI (Kerberos): an in-JVM KDC (Apache Kerby) holds the
 * broker's service principal {@code kafka/localhost} and EventGate's principal, each exported to a
 * keytab; {@code java.security.krb5.conf} points at a krb5.conf for that KDC, as the container
 * image's {@code JAVA_TOOL_OPTIONS} does. A principal that the keytab does not hold fails the
 * publish with the Kerberos login named as the reason.
 */
class KafkaKerberosTest {

    @RegisterExtension
    static final SecuredSink.Log LOG = new SecuredSink.Log(() -> List.of(kafka().storePassword()));

    /** The secured broker, started once per JVM on first use (inside the log capture). */
    private static SecuredKafka kafka() {
        return SecuredKafka.get();
    }

    static String keytabJaas(String principal) {
        return "com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true"
                + " keyTab=\"" + kafka().clientKeytab() + "\" principal=\"" + principal + "\";";
    }

    static Map<String, String> gssapi(String principal) {
        return Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "GSSAPI",
                "sasl.kerberos.service.name", "kafka",
                "sasl.jaas.config", keytabJaas(principal),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.location", kafka().truststore().toString(),
                "ssl.truststore.password", kafka().storePassword());
    }

    @Test
    void gssapiWithAKeytabPublishesAndTheRecordIsReadBackOverSaslSsl() {
        try (RunningGateway gateway = gateway(SecuredKafka.KERBEROS, gssapi(SecuredKafka.KERBEROS_CLIENT))) {
            assertPublishedAndReadBack(gateway, SecuredKafka.KERBEROS, client(
                    "security.protocol", "SASL_SSL", "sasl.mechanism", "GSSAPI", "sasl.kerberos.service.name", "kafka",
                    "sasl.jaas.config", keytabJaas(SecuredKafka.KERBEROS_CLIENT),
                    "ssl.truststore.type", "PKCS12", "ssl.truststore.location", kafka().truststore().toString(),
                    "ssl.truststore.password", kafka().storePassword()));
        }
    }

    @Test
    void aPrincipalThatTheKeytabDoesNotHoldFailsTheKerberosLogin() {
        try (RunningGateway gateway = gateway(SecuredKafka.KERBEROS, gssapi("someone-else@" + SecuredKafka.REALM))) {
            assertRefused(gateway, "Kerberos login failed");
        }
    }
}
