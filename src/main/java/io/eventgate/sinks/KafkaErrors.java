package io.eventgate.sinks;

import io.eventgate.Causes;
import org.apache.camel.Exchange;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.login.LoginException;

/**
 * Turns a failure of the Kafka sink, or of its health probe, into a plain sentence for the answer
 * and for {@code /health}: the kind of failure, never the client's own text, which names brokers,
 * partitions and classes (that goes to the log at DEBUG). Security failures say which part failed
 * ("certificate not trusted", "authentication failed", the Kerberos login) and never hold a secret.
 */
public final class KafkaErrors {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaErrors.class);

    private KafkaErrors() {
    }

    /** For {@code routes/kafka.yaml}: the exception caught by its {@code doCatch}. */
    public static String describe(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return describe(caught != null ? caught : exchange.getException());
    }

    public static String describe(Throwable failure) {
        LOG.debug("Kafka failure", failure);
        for (Throwable t : Causes.of(failure)) {
            if (t instanceof KafkaSecurity.SecretException) {
                return t.getMessage();
            }
            if (t instanceof SslAuthenticationException) {
                return KafkaTlsErrors.describe(t);
            }
            if (t instanceof UnsupportedSaslMechanismException) {
                return "authentication failed: the broker does not offer the configured SASL mechanism (kafka.sasl.mechanism)";
            }
            if (t instanceof SaslAuthenticationException) {
                return "authentication failed: Kafka did not accept EventGate's credentials (user name and password, or Kerberos principal)";
            }
            if (t instanceof AuthenticationException) {
                return "authentication with Kafka failed";
            }
            if (t instanceof LoginException) {
                return "authentication failed: the Kerberos login failed (check the principal, keytab and krb5.conf)";
            }
            if (t instanceof ConfigException || t instanceof KafkaException && KafkaTlsErrors.isStoreFailure(t)) {
                return KafkaTlsErrors.describeSetup(t);
            }
            if (t instanceof AuthorizationException) {
                return "not authorized by Kafka to write the topic";
            }
            if (t instanceof RecordTooLargeException) {
                return "the event is larger than Kafka accepts";
            }
            if (t instanceof UnknownTopicOrPartitionException) {
                return "the Kafka topic does not exist";
            }
            if (t instanceof TimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return "no acknowledgement from Kafka in time";
            }
            if (t instanceof IllegalStateException && "no brokers available".equals(t.getMessage())) {
                return "no Kafka brokers available";
            }
        }
        return "Kafka did not accept the event";
    }
}
