package io.eventgate.sinks;

import io.eventgate.Causes;
import java.io.FileNotFoundException;
import java.nio.file.NoSuchFileException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * The plain reason of a failed TLS handshake with Kafka, or of TLS material that cannot be loaded,
 * for {@link KafkaErrors}. The JDK tells the two sides of a handshake apart: a certificate that
 * EventGate refused comes as the validator's exception, one that the broker refused comes as the
 * TLS alert that the broker sent.
 */
final class KafkaTlsErrors {

    private static final String HANDSHAKE = "TLS handshake with Kafka failed: ";

    private KafkaTlsErrors() {
    }

    static String describe(Throwable failure) {
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return HANDSHAKE + "the broker's certificate has expired or is not yet valid";
            }
            if (t instanceof CertPathBuilderException) {
                return HANDSHAKE + "certificate not trusted: the broker's certificate is not signed by a CA"
                        + " in EventGate's truststore (kafka.ssl.truststore.*)";
            }
            String message = lower(t.getMessage());
            if (message.contains("no subject alternative") || message.contains("no name matching")) {
                return HANDSHAKE + "the broker's certificate is not issued for the broker's host name";
            }
            if (message.contains("received fatal alert: certificate_expired")) {
                return HANDSHAKE + "the broker refused EventGate's certificate: it has expired";
            }
            if (message.contains("received fatal alert: bad_certificate")
                    || message.contains("received fatal alert: certificate_unknown")
                    || message.contains("received fatal alert: unknown_ca")
                    || message.contains("received fatal alert: certificate_required")) {
                return HANDSHAKE + "the broker refused EventGate's certificate (not trusted by the broker,"
                        + " or none given: kafka.ssl.keystore.*)";
            }
        }
        return HANDSHAKE + "certificate not trusted or refused";
    }

    /** Whether Kafka could not load a keystore or truststore (its message names the file). */
    static boolean isStoreFailure(Throwable failure) {
        return Causes.of(failure).stream().map(t -> lower(t.getMessage())).anyMatch(message ->
                message.contains("failed to load ssl keystore") || message.contains("failed to load ssl truststore"));
    }

    /** A setting that the Kafka client refused, or TLS material that it could not load. */
    static String describeSetup(Throwable failure) {
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof NoSuchFileException || t instanceof FileNotFoundException) {
                return "Kafka TLS setup failed: a keystore or truststore file is missing";
            }
            if (t instanceof UnrecoverableKeyException || lower(t.getMessage()).contains("password")) {
                return "Kafka TLS setup failed: a keystore, truststore or key password is wrong";
            }
        }
        if (lower(failure.getMessage()).contains("bootstrap")) {
            return "kafka_bootstrap_server is not valid or its host names cannot be resolved";
        }
        if (isStoreFailure(failure)) {
            return "Kafka TLS setup failed: a keystore or truststore cannot be loaded (kafka.ssl.*)";
        }
        return "a kafka.* setting is not valid for the Kafka client (see the log at DEBUG)";
    }

    private static String lower(String message) {
        return message == null ? "" : message.toLowerCase(Locale.ROOT);
    }
}
